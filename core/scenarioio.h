#pragma once
// Scenario files (SPEC section 5): the table form, and the richer forms that expand to it.

#include "core/expected.h"
#include "core/scenario.h"

#include <string>
#include <string_view>

namespace coinfer {

/// Parses a scenario. Errors name @p sourceName, the field's path and the problem, e.g.
/// "classroom.json: users[3].local_latency_ms[2]: must be at least 0, not -1". O(size + M*N).
Expected<Scenario> parseScenario(std::string_view text, const std::string& sourceName);

/// Reads and parses a scenario file.
Expected<Scenario> readScenario(const std::string& path);

/// The scenario in the table form, which every version-1 reader accepts. O(M*N).
std::string scenarioToJson(const Scenario& scenario);

} // namespace coinfer
