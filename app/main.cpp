#include "app/cli.h"

#include <iostream>
#include <new>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        return coinfer::runCli(args, std::cout, std::cerr);
    } catch (const std::bad_alloc&) {
        // The readers refuse inputs beyond their documented limits before allocating; this is
        // the last line for anything they could not foresee: a message and exit 2, not an abort.
        std::cerr << "coinfer: out of memory; the input needs more memory than this machine has "
                     "(see the limits in docs/reliability.md)\n";
        return 2;
    }
}
