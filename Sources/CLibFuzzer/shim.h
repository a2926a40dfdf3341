// libFuzzer's driver, for fuzz targets that keep their own main (docs/fuzzing.md). The symbol
// comes from the fuzzer runtime that -sanitize=fuzzer links; nothing else uses this module.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
