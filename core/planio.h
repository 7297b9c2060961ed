#pragma once
// Plan files (SPEC section 5) and the readable table the command line prints.

#include "core/expected.h"
#include "core/plan.h"
#include "core/scenario.h"

#include <string>
#include <string_view>

namespace coinfer {

/// The plan file's JSON text. O(M + sum of batch sizes).
std::string planToJson(const Scenario& scenario, const Plan& plan);

/// Parses a plan file for @p scenario: user ids are resolved against it, and every user of the
/// scenario must appear once. Errors name @p sourceName and the field's path.
Expected<Plan> parsePlan(std::string_view text, const std::string& sourceName, const Scenario& scenario);

/// A per-user table: partition, group, energy, finish against deadline, and the totals. O(M).
std::string planToTable(const Scenario& scenario, const Plan& plan);

} // namespace coinfer
