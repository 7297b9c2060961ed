#pragma once
// Plan files (docs/formats.md#plan) and the readable table the command line prints.

#include "core/util/expected.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"

#include <string>
#include <string_view>

namespace coinfer {

/// The plan file's JSON text. O(M + sum of batch sizes). Writes "lower_bound_mj" and
/// "gap_percent" when they are finite, and "proven_optimal" and "search_end" when the plan came
/// from a search (Plan::searchEnd is not empty); docs/formats.md#plan.
std::string planToJson(const Scenario& scenario, const Plan& plan);

/// Parses a plan file for @p scenario: user ids are resolved against it, and every user of the
/// scenario must appear once. The search fields are optional; "lower_bound_mj" and
/// "gap_percent" must be finite and non-negative when present. Errors name @p sourceName and the
/// field's path.
Expected<Plan> parsePlan(std::string_view text, const std::string& sourceName, const Scenario& scenario);

/// One line on the plan's lower bound: "proven optimal (lower bound 88.828 mJ); search completed",
/// "lower bound 12.100 mJ (gap 3.97%); not proven optimal; search time limit reached", ...
std::string boundSummary(const Plan& plan);

/// A per-user table: partition, group, energy, finish against deadline, and the totals with the
/// lower bound and gap. O(M).
std::string planToTable(const Scenario& scenario, const Plan& plan);

/// The per-user table of a plan as CSV, the app's "Per-user table (*.csv)" export: a header
/// `id,partition,group,energy_mj,upload_start_ms,upload_end_ms,finish_ms,deadline_ms`, then one
/// CRLF-ended row per user, numbers to 17 significant digits. Ids are written with
/// csvTextField (core/io/csv.h): quoted as RFC 4180 wants, and an id that starts with '=', '+',
/// '-', '@', a tab or a carriage return gets a leading single quote, so a spreadsheet shows it
/// instead of evaluating it as a formula. O(M).
std::string planToPerUserCsv(const Scenario& scenario, const Plan& plan);

} // namespace coinfer
