// coinfer-profile: the coinfer command line with the GPU profiler of gpu/ linked in. `coinfer
// profile` and `coinfer profile check` run it with their own arguments (app/cli/profile.h), so
// that only profiling loads the CUDA runtime, cuBLAS and cuDNN.
#include "app/cli.h"
#include "app/cli/profile.h"

#include <iostream>
#include <new>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        return coinfer::runCli(args, std::cout, std::cerr, &coinfer::cli::gpuProfiler());
    } catch (const std::bad_alloc&) {
        std::cerr << "coinfer: out of memory; the input needs more memory than this machine has "
                     "(see the limits in docs/reliability.md)\n";
        return 2;
    }
}
