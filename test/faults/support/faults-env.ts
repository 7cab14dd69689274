// The fault suite has a database of its own, so it never disturbs the integration suite's data.
process.env.DATABASE_URL ??= 'mysql://root@127.0.0.1:3306/customerflow_faults';
process.env.AMQP_URL ??= 'amqp://guest:guest@127.0.0.1:5672';
