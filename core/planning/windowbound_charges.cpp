// The charges of the window bound above h that the arrivals of a window's members certify: the
// arrival-aware ones (a batch with c of the window's members starts after the c-th arrives) and
// the start-certified ones (docs/algorithms.md section 8).
#include "core/planning/windowbound_charges.h"

#include "core/util/tolerance.h"

#include <algorithm>
#include <iterator>
#include <limits>

namespace coinfer {
namespace windowbound_detail {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// A point of a Pareto front: the least time a suffix of a chain takes, and its occupancy.
struct ChainPoint {
    double ms;
    double occupancyMs;
};

/// Keeps the Pareto-minimal points of @p points (least time, least occupancy), then, above
/// @p maxPoints, merges neighbours into (their least time, their least occupancy): a point below
/// all of them, so the front stays a lower bound. O(P log P).
void paretoPrune(std::vector<ChainPoint>& points, size_t maxPoints)
{
    std::sort(points.begin(), points.end(), [](const ChainPoint& a, const ChainPoint& b) {
        return a.ms < b.ms || (a.ms == b.ms && a.occupancyMs < b.occupancyMs);
    });
    std::vector<ChainPoint> front;
    for (const ChainPoint& point : points)
        if (front.empty() || point.occupancyMs < front.back().occupancyMs)
            front.push_back(point);
    if (front.size() > maxPoints) {
        const double low = front.front().ms, width = (front.back().ms - low) / static_cast<double>(maxPoints);
        std::vector<ChainPoint> merged;
        size_t bucket = 0;
        for (const ChainPoint& point : front) {
            const size_t own = width > 0 ? std::min(maxPoints - 1, static_cast<size_t>((point.ms - low) / width)) : 0;
            if (merged.empty() || own != bucket)
                merged.push_back(point);
            else
                merged.back().occupancyMs = point.occupancyMs; // later points have less occupancy
            bucket = own;
        }
        front.swap(merged);
    }
    points.swap(front);
}

/// For one window [s, t] whose potential members' data arrive at @p arrivals (ascending, one per
/// user, at most B_max of them): per p, the Pareto front of (time, occupancy) over the chains of
/// sub-tasks p+1..N where the batch of sub-task n holds c_n window members, takes
/// d_n = min_{b >= c_n} tau_n(b), costs d_n / c_n, starts after the c_n-th arrival and leaves
/// time for the rest of the chain before t: arrival_(c_n) + d_n + (rest) <= t.
/// O(N * maxPoints * C log) for C arrivals.
std::vector<std::vector<ChainPoint>> arrivalFronts(const std::vector<std::vector<double>>& leastMs,
                                                   const std::vector<double>& arrivals, double endMs, size_t maxPoints)
{
    const size_t subtasks = leastMs.size();
    std::vector<std::vector<ChainPoint>> fronts(subtasks + 1);
    fronts[subtasks] = {{0.0, 0.0}};
    const double slack = 2 * timeSlackMs(endMs);
    for (size_t n = subtasks; n-- > 0;) {
        std::vector<ChainPoint> points;
        for (size_t c = 1; c <= arrivals.size(); ++c) {
            const double batchMs = leastMs[n][c - 1];
            for (const ChainPoint& rest : fronts[n + 1])
                if (arrivals[c - 1] + batchMs + rest.ms <= endMs + slack)
                    points.push_back({batchMs + rest.ms, batchMs / static_cast<double>(c) + rest.occupancyMs});
        }
        paretoPrune(points, maxPoints);
        fronts[n] = std::move(points);
    }
    return fronts; // fronts[p] is the chain of sub-tasks p+1..N
}

/// The least occupancy on @p front among chains no longer than @p budgetMs; -1 when none fits.
double frontAt(const std::vector<ChainPoint>& front, double budgetMs)
{
    const auto it = std::upper_bound(front.begin(), front.end(), budgetMs,
                                     [](double budget, const ChainPoint& point) { return budget < point.ms; });
    return it == front.begin() ? -1 : std::prev(it)->occupancyMs;
}

/// tauLow_n(c) = min_{c <= b <= B_max} tau_n(b) for every sub-task (index n - 1) and c: the least
/// time of a batch that holds c members of a window and possibly others. O(N B_max).
std::vector<std::vector<double>> leastBatchMs(const CostModel& model)
{
    std::vector<std::vector<double>> least(static_cast<size_t>(model.subtaskCount()));
    for (int n = 1; n <= model.subtaskCount(); ++n) {
        std::vector<double>& row = least[static_cast<size_t>(n - 1)];
        row.assign(static_cast<size_t>(model.maxBatch()), kInf);
        double running = kInf;
        for (int b = model.maxBatch(); b >= 1; --b)
            row[static_cast<size_t>(b - 1)] = running = std::min(running, model.edgeMs(n, b));
    }
    return least;
}

/// The arrival-aware charges of one window (cell @p window): appends (option, extra) to
/// @p found for every option of the window whose arrival-aware occupancy exceeds h. Skips the
/// window (no entries: still valid, only weaker) when B_max potential members have arrived
/// within a @p skipShare of its length, where batches can be full from its start.
void refineWindow(const CostModel& model, const WindowGrid& grid, const OptionTable& table, const std::vector<size_t>& byArrival,
                  const std::vector<std::vector<double>>& leastMs, size_t window, const WindowBoundOptions& options,
                  std::vector<int>& seen, std::vector<std::pair<size_t, double>>& found)
{
    const size_t ends = grid.endMs.size(), startIndex = window / ends, endIndex = window % ends;
    const double startMs = grid.startMs[startIndex], endMs = grid.endMs[endIndex];
    const size_t fullBatch = static_cast<size_t>(std::min(model.maxBatch(), model.userCount()));
    auto inWindow = [&](size_t o) {
        return static_cast<size_t>(table.cell[o]) / ends >= startIndex && static_cast<size_t>(table.cell[o]) % ends <= endIndex;
    };
    const auto first = std::lower_bound(byArrival.begin(), byArrival.end(), startMs,
                                        [&](size_t o, double at) { return table.arrivalMs[o] < at; });
    std::vector<double> arrivals; // the earliest arrival of each potential member, ascending
    for (auto it = first; it != byArrival.end() && arrivals.size() < fullBatch; ++it)
        if (inWindow(*it) && seen[static_cast<size_t>(table.owner[*it])] != static_cast<int>(window)) {
            seen[static_cast<size_t>(table.owner[*it])] = static_cast<int>(window);
            arrivals.push_back(table.arrivalMs[*it]);
        }
    if (arrivals.empty() || (arrivals.size() == fullBatch && arrivals.back() <= startMs + options.skipShare * (endMs - startMs)))
        return;
    const std::vector<std::vector<ChainPoint>> fronts =
        arrivalFronts(leastMs, arrivals, endMs, static_cast<size_t>(options.frontPoints));
    for (auto it = first; it != byArrival.end(); ++it) {
        const size_t o = *it;
        if (!inWindow(o))
            continue;
        const double budget = table.deadlineMs[o] - table.arrivalMs[o] + 2 * timeSlackMs(table.deadlineMs[o]);
        const double occupancy = frontAt(fronts[static_cast<size_t>(table.partition[o])], budget);
        if (occupancy > table.occupancyMs[o] * (1 + 1e-9) + 1e-12)
            found.emplace_back(o, occupancy - table.occupancyMs[o]);
    }
}

/// The earliest arrival of each potential user with a deadline up to end @p endIndex, ascending,
/// the first @p count of them. O(options scanned).
std::vector<double> classArrivals(const WindowGrid& grid, const OptionTable& table, const std::vector<size_t>& byArrival,
                                  size_t endIndex, size_t count, std::vector<int>& seen, int stamp)
{
    std::vector<double> arrivals;
    const size_t ends = grid.endMs.size();
    for (auto it = byArrival.begin(); it != byArrival.end() && arrivals.size() < count; ++it)
        if (static_cast<size_t>(table.cell[*it]) % ends <= endIndex && seen[static_cast<size_t>(table.owner[*it])] != stamp) {
            seen[static_cast<size_t>(table.owner[*it])] = stamp;
            arrivals.push_back(table.arrivalMs[*it]);
        }
    return arrivals;
}

/// Start-certified charges of window (s, t) for the class of users with deadlines up to t, whose
/// earliest arrivals are @p arrivals: a batch holding c of them starts after the c-th arrives, so
/// a member's batch whose start is certified no earlier than s lies in the window, whatever the
/// member's own arrival. V_n(tau) is the least charge of sub-tasks n..N after a previous end tau
/// (batches certified to start at >= s charged d_n(c) / c), on a grid of @p points times; a time
/// between grid points is rounded down, which V never increases on, so the values stay lower
/// bounds. Returns per option of the class its charge V_{p+1}(A). O(N * points * C + options).
std::vector<std::pair<size_t, double>> certifiedCharges(const WindowGrid& grid, const OptionTable& table,
                                                        const std::vector<size_t>& byArrival,
                                                        const std::vector<std::vector<double>>& leastMs, size_t window,
                                                        const std::vector<double>& arrivals, int points)
{
    const size_t ends = grid.endMs.size(), subtasks = leastMs.size(), gridPoints = static_cast<size_t>(points);
    const double startMs = grid.startMs[window / ends], endMs = grid.endMs[window % ends];
    const double low = arrivals.front(), step = std::max(endMs - low, 1e-9) / static_cast<double>(gridPoints);
    const double slack = 2 * timeSlackMs(endMs);
    auto below = [&](double at) { return std::min(gridPoints, static_cast<size_t>(std::max(0.0, (at - low) / step))); };
    std::vector<std::vector<double>> value(subtasks + 1, std::vector<double>(gridPoints + 1, 0.0));
    for (size_t n = subtasks; n-- > 0;) {
        for (size_t g = 0; g <= gridPoints; ++g) {
            const double after = low + static_cast<double>(g) * step;
            double least = kInf;
            for (size_t c = 1; c <= arrivals.size(); ++c) {
                const double start = std::max(after, arrivals[c - 1]), end = start + leastMs[n][c - 1];
                if (end > endMs + slack)
                    continue;
                const double charge = start >= startMs ? leastMs[n][c - 1] / static_cast<double>(c) : 0.0;
                least = std::min(least, charge + value[n + 1][below(end)]);
            }
            value[n][g] = least;
        }
    }
    std::vector<std::pair<size_t, double>> charges;
    for (size_t o : byArrival) {
        if (static_cast<size_t>(table.cell[o]) % ends > window % ends)
            continue;
        const double charge = value[static_cast<size_t>(table.partition[o])][below(table.arrivalMs[o])];
        if (charge > 0 && charge < kInf)
            charges.emplace_back(o, charge);
    }
    return charges;
}

/// The start-certified charges of one window as extras over what h charges there (h when
/// A >= s, else 0), for the window's copy in the second layer: each layer's charges are lower
/// bounds of one way of sharing a batch's time, so the two may not be mixed in one constraint.
void certifiedExtras(const WindowGrid& grid, const OptionTable& table, size_t window,
                     const std::vector<std::pair<size_t, double>>& charges, std::vector<std::pair<size_t, double>>& found)
{
    const double startMs = grid.startMs[window / grid.endMs.size()];
    for (const auto& [o, charge] : charges) {
        const double base = table.arrivalMs[o] >= startMs ? table.occupancyMs[o] : 0.0;
        if (charge - base > 1e-9 * charge + 1e-12)
            found.emplace_back(o, charge - base);
    }
}

} // namespace

Refinement refineByArrivals(const CostModel& model, const WindowGrid& grid, const OptionTable& table,
                            const WindowBoundOptions& options)
{
    std::vector<size_t> byArrival;
    for (size_t o = 0; o < table.cell.size(); ++o)
        if (table.cell[o] >= 0)
            byArrival.push_back(o);
    std::sort(byArrival.begin(), byArrival.end(), [&](size_t a, size_t b) { return table.arrivalMs[a] < table.arrivalMs[b]; });
    const std::vector<std::vector<double>> leastMs = leastBatchMs(model);
    std::vector<int> seen(static_cast<size_t>(model.userCount()), -1);
    std::vector<std::vector<std::pair<size_t, double>>> perWindow(kLayers * grid.cells());
    const size_t fullBatch = static_cast<size_t>(std::min(model.maxBatch(), model.userCount())), ends = grid.endMs.size();
    size_t total = 0;
    for (size_t window = 0; window < grid.cells() && total < static_cast<size_t>(options.maxRefinements); ++window) {
        refineWindow(model, grid, table, byArrival, leastMs, window, options, seen, perWindow[window]);
        const std::vector<double> arrivals =
            classArrivals(grid, table, byArrival, window % ends, fullBatch, seen, -2 - static_cast<int>(window));
        const double endMs = grid.endMs[window % ends];
        if (options.certifyPoints > 0 && !arrivals.empty() &&
            !(arrivals.size() == fullBatch &&
              arrivals.back() <= arrivals.front() + options.skipShare * (endMs - arrivals.front())))
            certifiedExtras(grid, table, window,
                            certifiedCharges(grid, table, byArrival, leastMs, window, arrivals, options.certifyPoints),
                            perWindow[grid.cells() + window]);
        total += perWindow[window].size() + perWindow[grid.cells() + window].size();
    }
    Refinement refinement;
    refinement.begin.assign(table.cell.size() + 1, 0);
    for (const auto& pairs : perWindow)
        for (const auto& [o, extra] : pairs)
            ++refinement.begin[o + 1];
    for (size_t o = 0; o < table.cell.size(); ++o)
        refinement.begin[o + 1] += refinement.begin[o];
    refinement.entries.resize(refinement.begin.back());
    std::vector<size_t> next(refinement.begin.begin(), refinement.begin.end() - 1);
    for (size_t window = 0; window < perWindow.size(); ++window)
        for (const auto& [o, extra] : perWindow[window])
            refinement.entries[next[o]++] = {window, extra};
    return refinement;
}

} // namespace windowbound_detail
} // namespace coinfer
