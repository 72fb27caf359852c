export { WriterLeaseHolder, DEFAULT_LEASE_TIMING, type LeaseTiming } from "./writer-lease.js";
export { LOCKS_PREFIX, WRITER_PREFIX, GC_PREFIX, newLockName, describeSelf, putLock, readLock, listLiveLocks, type WriterLease, type GcLock } from "./lock-records.js";
