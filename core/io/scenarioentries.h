#pragma once
// Internal to core/io: one entry of "users" read exactly as the scenario reader reads it, so that
// ScenarioForm can check that an entry it writes says what the user sees.

#include "core/model/scenario.h"

#include <nlohmann/json.hpp>

namespace coinfer::detail {

/// Reads @p entry in the context of @p scenario (its DNN, device classes and channel) as the
/// scenario reader would. Throws InputError. O(N).
User readUserEntry(const nlohmann::json& entry, const Scenario& scenario);

} // namespace coinfer::detail
