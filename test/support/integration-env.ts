// The integration suite runs against the local MariaDB and RabbitMQ unless DATABASE_URL / AMQP_URL say otherwise.
// It uses its own database so it never touches data in `test` or a developer's schema.
process.env.DATABASE_URL ??= 'mysql://root@127.0.0.1:3306/customerflow_it';
process.env.AMQP_URL ??= 'amqp://guest:guest@127.0.0.1:5672';
process.env.CUSTOMERFLOW_INTEGRATION = '1';
