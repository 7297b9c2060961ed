#pragma once
// The summary of a sweep's rows that every front end draws: per planner and value, the mean and
// range over repeats. One home, so the app's chart, `coinfer sweep summarize` and the figures
// drawn by scripts/plot_sweep.py cannot disagree. Qt-free.

#include "core/sweep/sweep.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coinfer {

/// The number of a row a summary is taken of.
enum class SweepMeasure {
    EnergyMj,      ///< energy_mj
    SavingPercent, ///< saving_percent
    GapPercent,    ///< the gap to the strongest bound proved for the same point by any planner
};

/// "energy", "saving" or "gap": the name `coinfer sweep summarize --measure` takes. O(1).
std::string sweepMeasureName(SweepMeasure measure);
/// The measure called @p name; nullopt for an unknown name. O(1).
std::optional<SweepMeasure> sweepMeasureFromName(std::string_view name);

/// One planner at one value, over the repeats that gave a number.
///
/// The convention: mean, least and most are over the repeats whose plan meets every deadline
/// only, and @c rows says how many those are. A plan that misses a deadline is not averaged in,
/// because its energy is not comparable (it can spend less than the optimum); it is counted
/// apart in @c lateRows, with its own mean @c lateMean, so that a mean over 3 of 10 repeats never
/// passes for a mean over 10. A repeat without a plan (a user late even alone) or without the
/// number (a gap without a bound) counts in neither.
struct SweepSummaryPoint {
    double value = 0;    ///< the parameter's value
    double mean = 0;     ///< mean over the feasible repeats (0 when rows == 0)
    double least = 0;    ///< least over the feasible repeats
    double most = 0;     ///< most over the feasible repeats
    int rows = 0;        ///< feasible repeats that gave a number
    double lateMean = 0; ///< mean over the repeats whose plan misses a deadline
    int lateRows = 0;    ///< repeats whose plan misses a deadline
};

/// One planner's points, by ascending value.
struct SweepSummary {
    std::string planner; ///< command-line name
    std::vector<SweepSummaryPoint> points;
};

/// Per planner, in allAlgorithms() order, the points of @p rows for @p measure (see
/// SweepSummaryPoint for which repeats each number is over). A point exists where at least one
/// repeat gave a number. O(R log R) for R rows.
std::vector<SweepSummary> summarizeSweep(const std::vector<SweepRow>& rows, SweepMeasure measure);

/// The header of sweepSummaryToCsv (without newline):
/// "algorithm,value,feasible_repeats,mean,min,max,late_repeats,late_mean".
std::string sweepSummaryCsvHeader();

/// @p summary as CSV, one line per planner and value (the planners' order, then ascending
/// value), with the header; numbers shortest round-trip; mean, min and max empty where no
/// repeat was feasible, late_mean empty where none was late. O(points).
std::string sweepSummaryToCsv(const std::vector<SweepSummary>& summary);

} // namespace coinfer
