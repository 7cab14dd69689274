import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CustomerResponse } from '../customer.response';

@ApiSchema({ name: 'CustomerPage', description: 'One page of customers' })
export class CustomerPageResponse {
  @ApiProperty({ type: [CustomerResponse] })
  items!: CustomerResponse[];

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'eyJ2IjoxLCJzIjoiLWNyZWF0ZWRBdCIsImsiOiIyMDI2LTAxLTMxVDEyOjAwOjAwLjAwMFoiLCJpIjoiNDIifQ',
    description: 'Pass as `cursor` to get the next page; null on the last page',
  })
  nextCursor!: string | null;
}
