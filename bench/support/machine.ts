/** What the figures were measured on, for latest.json and the README. */
import { cpus, totalmem } from 'node:os';

export interface Machine {
  description: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  mariadb: string;
  rabbitmq: string;
}

export function describeMachine(mariadb: string, rabbitmq: string): Machine {
  const list = cpus();
  const cpuModel = list[0]?.model.trim() ?? 'unknown';
  const memoryGb = Math.round((totalmem() / 1024 ** 3) * 10) / 10;
  return {
    description: `${list.length} × ${cpuModel}, ${memoryGb} GB RAM, Node ${process.versions.node}, MariaDB ${mariadb}, RabbitMQ ${rabbitmq}`,
    cpus: list.length,
    cpuModel,
    memoryGb,
    node: process.versions.node,
    mariadb,
    rabbitmq,
  };
}
