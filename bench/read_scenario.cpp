// Reads one scenario file and nothing else, so that /usr/bin/time measures the reader alone (issue
// 15): `read_scenario FILE` uses readScenario() (the fast reader, the path-naming one when it
// gives up); `read_scenario FILE --with-paths` reads the file and runs the path-naming reader only.
// Prints the users read and the wall time of reading and parsing, in ms.
#include "core/io/fileio.h"
#include "core/io/scenariofast.h"
#include "core/io/scenarioio.h"
#include "core/model/scenario.h"
#include "core/util/expected.h"

#include <chrono>
#include <cstring>
#include <iostream>
#include <string>
#include <variant>

int main(int argc, char** argv)
{
    if (argc < 2 || (argc == 3 && std::strcmp(argv[2], "--with-paths") != 0) || argc > 3) {
        std::cerr << "usage: read_scenario FILE [--with-paths]\n";
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    coinfer::Expected<coinfer::Scenario> scenario = coinfer::Unexpected(coinfer::Error{coinfer::ErrorCode::BadInput, ""});
    if (argc == 3) {
        const coinfer::Expected<std::string> text = coinfer::readTextFile(argv[1]);
        if (!text) {
            std::cerr << text.error().message << "\n";
            return 2;
        }
        scenario = coinfer::detail::parseScenarioWithPaths(*text, argv[1], {}, nullptr);
    } else {
        scenario = coinfer::readScenario(argv[1]);
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!scenario) {
        std::cerr << scenario.error().message << "\n";
        return 2;
    }
    std::cout << scenario->userCount() << " users, " << scenario->dnn.subtaskCount() << " sub-tasks, " << ms << " ms\n";
    return 0;
}
