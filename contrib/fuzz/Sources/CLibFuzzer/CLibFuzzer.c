// Nothing to compile: the driver lives in libclang_rt.fuzzer_no_main, linked by contrib/fuzz.sh.
#include "CLibFuzzer.h"
