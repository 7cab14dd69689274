import { Controller, Get, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';
import { Address, Customer } from './customer.entity';
import { EventsPublisher } from './events.publisher';

@Controller('health')
export class HealthController {
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'mysql',
      url: process.env.DATABASE_URL,
      entities: [Customer, Address],
      synchronize: false,
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: true,
    }),
    TypeOrmModule.forFeature([Customer, Address]),
  ],
  controllers: [CustomersController, HealthController],
  providers: [CustomersService, EventsPublisher],
})
export class AppModule {}
