// tjfuzz: TJFUZZ_TARGET=NAME tjfuzz [libFuzzer flags] [corpus folders or inputs]; see contrib/fuzz.sh.
import Foundation

exit(FuzzDriver.run())
