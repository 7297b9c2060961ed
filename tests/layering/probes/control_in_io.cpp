// Compiles: core/io may include its own headers, the layers it links, and nlohmann-json.
#include "core/io/scenarioio.h"
#include "core/model/scenario.h"
#include <nlohmann/json.hpp>

int coinferLayeringControl()
{
    return static_cast<int>(nlohmann::json::array().size());
}
