/** BullMQ queue carrying signal batches from api and ingest to the aggregator. */
export const SIGNALS_QUEUE = "signals";

/** Job name of a signal batch on the signals queue. */
export const SIGNAL_BATCH_JOB = "signal-batch";
