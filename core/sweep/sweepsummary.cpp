// The sweep summary: means and ranges over repeats, feasible and late plans apart.
#include "core/sweep/sweepsummary.h"
#include "core/io/csv.h"
#include "core/planning/planner.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace coinfer {
namespace {

/// The number @p row holds for @p measure, gaps aside (they need every row of the point).
std::optional<double> ownNumber(const SweepRow& row, SweepMeasure measure)
{
    if (!row.planned)
        return std::nullopt;
    switch (measure) {
    case SweepMeasure::EnergyMj:
        return row.energyMj;
    case SweepMeasure::SavingPercent:
        return row.savingPercent;
    case SweepMeasure::GapPercent:
        return std::nullopt;
    }
    return std::nullopt;
}

/// Per (value, repeat), the strongest lower bound any planner proved there.
std::map<std::pair<double, int>, double> strongestBounds(const std::vector<SweepRow>& rows)
{
    std::map<std::pair<double, int>, double> strongestBoundMj;
    for (const SweepRow& row : rows)
        if (row.planned && std::isfinite(row.lowerBoundMj) && row.lowerBoundMj > 0) {
            double& bound = strongestBoundMj[{row.value, row.repeat}];
            bound = std::max(bound, row.lowerBoundMj);
        }
    return strongestBoundMj;
}

void addNumber(SweepSummaryPoint& point, double number, bool feasible)
{
    if (!feasible) {
        point.lateMean += (number - point.lateMean) / ++point.lateRows;
        return;
    }
    if (point.rows == 0)
        point.least = point.most = number;
    point.least = std::min(point.least, number);
    point.most = std::max(point.most, number);
    point.mean += (number - point.mean) / ++point.rows;
}

std::string numberOrEmpty(bool present, double value)
{
    return present ? sweepNumberText(value) : std::string();
}

} // namespace

std::string sweepMeasureName(SweepMeasure measure)
{
    switch (measure) {
    case SweepMeasure::EnergyMj:
        return "energy";
    case SweepMeasure::SavingPercent:
        return "saving";
    case SweepMeasure::GapPercent:
        return "gap";
    }
    return {};
}

std::optional<SweepMeasure> sweepMeasureFromName(std::string_view name)
{
    for (SweepMeasure measure : {SweepMeasure::EnergyMj, SweepMeasure::SavingPercent, SweepMeasure::GapPercent})
        if (sweepMeasureName(measure) == name)
            return measure;
    return std::nullopt;
}

std::vector<SweepSummary> summarizeSweep(const std::vector<SweepRow>& rows, SweepMeasure measure)
{
    // A gap is measured against the strongest bound any planner proved for the same point: each
    // plan's own bound differs (best's search raises it), and gaps to different bounds misled.
    const std::map<std::pair<double, int>, double> strongestBoundMj =
        measure == SweepMeasure::GapPercent ? strongestBounds(rows) : std::map<std::pair<double, int>, double>{};
    std::map<std::string, std::map<double, SweepSummaryPoint>> byPlanner;
    for (const SweepRow& row : rows) {
        std::optional<double> number = ownNumber(row, measure);
        if (measure == SweepMeasure::GapPercent) {
            const auto bound = strongestBoundMj.find({row.value, row.repeat});
            if (row.planned && bound != strongestBoundMj.end())
                number = 100.0 * (row.energyMj - bound->second) / bound->second;
        }
        if (!number)
            continue;
        SweepSummaryPoint& point = byPlanner[row.algorithm][row.value];
        point.value = row.value;
        addNumber(point, *number, row.feasible);
    }
    std::vector<SweepSummary> summary;
    // In the order the planners are listed everywhere: local first, best and exact last.
    for (Algorithm algorithm : allAlgorithms()) {
        const auto found = byPlanner.find(algorithmName(algorithm));
        if (found == byPlanner.end())
            continue;
        SweepSummary planner{found->first, {}};
        for (const auto& [value, point] : found->second)
            planner.points.push_back(point);
        summary.push_back(std::move(planner));
    }
    return summary;
}

std::string sweepSummaryCsvHeader()
{
    return "algorithm,value,feasible_repeats,mean,min,max,late_repeats,late_mean";
}

std::string sweepSummaryToCsv(const std::vector<SweepSummary>& summary)
{
    std::string csv = sweepSummaryCsvHeader() + "\n";
    for (const SweepSummary& planner : summary)
        for (const SweepSummaryPoint& point : planner.points) {
            const bool feasible = point.rows > 0;
            csv += csvField(planner.planner) + ',' + sweepNumberText(point.value) + ',' + std::to_string(point.rows) + ',' +
                   numberOrEmpty(feasible, point.mean) + ',' + numberOrEmpty(feasible, point.least) + ',' +
                   numberOrEmpty(feasible, point.most) + ',' + std::to_string(point.lateRows) + ',' +
                   numberOrEmpty(point.lateRows > 0, point.lateMean) + '\n';
        }
    return csv;
}

} // namespace coinfer
