#pragma once
// The campus example with any number of users, for the core tests that measure at scale.

#include "core/io/fileio.h"
#include "core/io/scenarioio.h"

#include <QtGlobal>

#include <string>

namespace coinfer::testing {

/// examples/campus.json with @p users users (the population the scale measurements use).
inline Scenario campus(int users)
{
    std::string text = *readTextFile(COINFER_EXAMPLES "/campus.json");
    const size_t at = text.find("\"count\": 200");
    if (at == std::string::npos)
        qFatal("examples/campus.json no longer has \"count\": 200");
    text.replace(at, 12, "\"count\": " + std::to_string(users));
    Expected<Scenario> scenario = parseScenario(text, "campus");
    if (!scenario)
        qFatal("%s", scenario.error().message.c_str());
    return *scenario;
}

} // namespace coinfer::testing
