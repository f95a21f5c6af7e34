// libFuzzer's driver entry point (compiler-rt's libclang_rt.fuzzer_no_main), for a
// fuzzer binary that has a main of its own.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
