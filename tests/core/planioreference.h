#pragma once
// The plan writer before issue 15 (nlohmann's document, then dump(2)), for tests only.

#include "core/model/plan.h"
#include "core/model/scenario.h"

#include <string>

namespace coinfer::reference {

/// planToJson() as it was before issue 15. O(M + sum of batch sizes), with the whole document
/// in memory.
std::string planToJsonBefore(const Scenario& scenario, const Plan& plan);

} // namespace coinfer::reference
