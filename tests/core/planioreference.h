#pragma once
// The plan writer before the streaming one (nlohmann's document, then dump(2)), for tests only.

#include "core/model/plan.h"
#include "core/model/scenario.h"

#include <string>

namespace coinfer::reference {

/// planToJson() as it was before it streamed its text. O(M + sum of batch sizes), with the whole document
/// in memory.
std::string planToJsonBefore(const Scenario& scenario, const Plan& plan);

} // namespace coinfer::reference
