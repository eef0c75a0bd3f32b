// A hint to the processor to start loading the cache line at `address` (it changes no result).
// The history pass asks for the slots of the next line's accids while it still works on the
// current line, so the memory latency of those lookups is hidden behind useful work.
static inline void nim_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
