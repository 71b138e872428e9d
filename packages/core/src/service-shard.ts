import { crc32 } from "node:zlib";

/**
 * Which of `shards` parts a service belongs to: a stable hash, so every process (api replicas,
 * ingest, aggregators) agrees without talking. Signals queues (SIGNAL_SHARDS) and detector ticks
 * (DETECTOR_SHARDS) both cut by it.
 */
export function serviceShard(service: string, shards: number): number {
  return shards <= 1 ? 0 : crc32(service) % shards;
}
