/** BullMQ queue carrying signal batches from api and ingest to the aggregator. */
export const SIGNALS_QUEUE = "signals";

/** Job name of a signal batch on the signals queue. */
export const SIGNAL_BATCH_JOB = "signal-batch";

/** BullMQ queue of the detector tick, scheduled once a minute. */
export const DETECTION_QUEUE = "detection";

/** Job name (and job scheduler id) of the detector tick. */
export const DETECTOR_TICK_JOB = "detector-tick";

/** BullMQ queue of webhook deliveries: one job per event and subscription. */
export const WEBHOOKS_QUEUE = "webhooks";
