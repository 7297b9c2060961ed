// The release-aware window bound (docs/algorithms.md section 8): every window [s, t] of the GPU's
// time must hold the GPU work of the users whose data arrive no earlier than s and whose deadline
// is no later than t; all those constraints are priced at once by Lagrange multipliers.
#include "core/planning/windowbound.h"

#include "core/planning/lowerbound.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace coinfer {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// One piece of a lower convex envelope: the width it adds to a chain and the occupancy it saves.
struct Segment {
    double widthMs;
    double occupancyMs; // <= 0
    double slope() const { return occupancyMs / widthMs; }
};

/// The lower convex envelope of the points (tau_n(b), tau_n(b) / b), b = 1..cap (a member of a
/// batch of b pays the batch's time over b), from its leftmost point to its lowest: the least
/// occupancy of a member as a function of the time its batch takes. Writes the leftmost point to
/// @p startMs / @p startOccupancyMs and appends the pieces (slopes ascending) to @p segments.
/// O(cap log cap).
void envelope(const CostModel& model, int subtask, int cap, double& startMs, double& startOccupancyMs,
              std::vector<Segment>& segments)
{
    std::vector<std::pair<double, double>> points;
    for (int b = 1; b <= cap; ++b)
        points.emplace_back(model.edgeMs(subtask, b), model.edgeMs(subtask, b) / b);
    std::sort(points.begin(), points.end()); // by time, then occupancy (a curve need not be monotone)
    std::vector<std::pair<double, double>> hull;
    for (const auto& [x, y] : points) {
        if (!hull.empty() && hull.back().first == x)
            continue; // same time, no less occupancy (sorted)
        while (hull.size() >= 2) {
            const auto& [x1, y1] = hull[hull.size() - 2];
            const auto& [x2, y2] = hull.back();
            // Keep the middle point only if it lies strictly below the chord (a lower hull).
            if ((x2 - x1) * (y - y1) - (y2 - y1) * (x - x1) > 0)
                break;
            hull.pop_back();
        }
        hull.emplace_back(x, y);
    }
    startMs = hull.front().first;
    startOccupancyMs = hull.front().second;
    for (size_t k = 1; k < hull.size() && hull[k].second < hull[k - 1].second; ++k)
        segments.push_back({hull[k].first - hull[k - 1].first, hull[k].second - hull[k - 1].second});
}

} // namespace

double OccupancyCurve::at(double budget) const
{
    if (budget <= budgetMs.front())
        return occupancyMs.front();
    const auto it = std::upper_bound(budgetMs.begin(), budgetMs.end(), budget);
    if (it == budgetMs.end())
        return occupancyMs.back();
    const size_t k = static_cast<size_t>(it - budgetMs.begin());
    const double share = (budget - budgetMs[k - 1]) / (budgetMs[k] - budgetMs[k - 1]);
    return occupancyMs[k - 1] + share * (occupancyMs[k] - occupancyMs[k - 1]);
}

std::vector<OccupancyCurve> occupancyCurves(const CostModel& model, int memberCap)
{
    const int subtasks = model.subtaskCount();
    const int cap = std::max(1, std::min(model.maxBatch(), memberCap));
    std::vector<OccupancyCurve> curves(static_cast<size_t>(subtasks + 1));
    curves[static_cast<size_t>(subtasks)] = {{0.0}, {0.0}};
    std::vector<Segment> merged, own, next;
    double startMs = 0, startOccupancyMs = 0;
    for (int p = subtasks - 1; p >= 0; --p) {
        double ms = 0, occupancy = 0;
        own.clear();
        envelope(model, p + 1, cap, ms, occupancy, own);
        startMs += ms;
        startOccupancyMs += occupancy;
        // The least occupancy of a chain within a budget is the sum of the sub-tasks' convex
        // envelopes (an infimal convolution): their pieces merged by slope, steepest first.
        next.resize(merged.size() + own.size());
        std::merge(merged.begin(), merged.end(), own.begin(), own.end(), next.begin(),
                   [](const Segment& a, const Segment& b) { return a.slope() < b.slope(); });
        merged.swap(next);
        OccupancyCurve& curve = curves[static_cast<size_t>(p)];
        curve.budgetMs.assign(1, startMs);
        curve.occupancyMs.assign(1, startOccupancyMs);
        for (const Segment& segment : merged) {
            curve.budgetMs.push_back(curve.budgetMs.back() + segment.widthMs);
            curve.occupancyMs.push_back(curve.occupancyMs.back() + segment.occupancyMs);
        }
    }
    return curves;
}

namespace {

/// The windows [s_i, t_j]: S starts and T ends, ascending, and the length of each (cell i*T + j).
struct WindowGrid {
    std::vector<double> startMs, endMs;
    std::vector<double> capacityMs;
    size_t cells() const { return capacityMs.size(); }
};

/// Up to @p count values of @p values (sorted in place) at evenly spaced ranks from the least to
/// the largest, ascending and distinct. O(V log V).
std::vector<double> quantiles(std::vector<double>& values, int count)
{
    std::sort(values.begin(), values.end());
    std::vector<double> picked;
    if (values.empty() || count <= 0)
        return picked;
    const size_t steps = static_cast<size_t>(std::max(1, count - 1));
    for (size_t step = 0; step <= steps; ++step) {
        const double value = values[(values.size() - 1) * step / steps];
        if (picked.empty() || value > picked.back())
            picked.push_back(value);
    }
    return picked;
}

/// Ends at the users' deadlines, starts at the arrivals of the options (the earliest one among
/// them: no GPU work starts before it), each thinned to quantiles. A batch holding a member of
/// window [s, t] runs inside [s, t + the deadline tolerance]; the capacity adds that tolerance
/// and the rounding of t. A window with t < s holds no option a user could meet alone: its
/// capacity is 0, not negative.
WindowGrid makeGrid(const CostModel& model, const WindowBoundOptions& options, std::vector<double> arrivals)
{
    WindowGrid grid;
    std::vector<double> deadlines;
    for (int m = 0; m < model.userCount(); ++m)
        deadlines.push_back(model.deadlineMs(m));
    grid.endMs = quantiles(deadlines, options.maxEnds);
    grid.startMs = quantiles(arrivals, options.maxStarts);
    if (grid.startMs.empty())
        grid.startMs.push_back(model.edgeFreeAtMs()); // nobody can offload: no window holds anything
    for (double start : grid.startMs)
        for (double end : grid.endMs)
            grid.capacityMs.push_back(std::max(0.0, end - start) + 2 * timeSlackMs(end));
    return grid;
}

/// Every user's options that it could meet alone, flattened: energy, occupancy and the cell of the
/// innermost window that holds it (the largest start <= A_m(p), the least end >= T_m), -1 for
/// none (local computing, or a deadline past every end).
struct OptionTable {
    std::vector<size_t> userBegin; // M + 1 offsets
    std::vector<double> energyMj, occupancyMs;
    std::vector<int> cell;
};

OptionTable makeOptions(const CostModel& model, const std::vector<OccupancyCurve>& curves, const WindowGrid& grid)
{
    OptionTable table;
    const size_t ends = grid.endMs.size();
    table.userBegin.push_back(0);
    for (int m = 0; m < model.userCount(); ++m) {
        const double deadline = model.deadlineMs(m);
        const auto endAt = std::lower_bound(grid.endMs.begin(), grid.endMs.end(), deadline);
        for (int p = 0; p <= model.subtaskCount(); ++p) {
            if (!model.feasibleAlone(m, p))
                continue;
            table.energyMj.push_back(model.energyMj(m, p));
            if (p == model.subtaskCount() || endAt == grid.endMs.end()) {
                table.occupancyMs.push_back(p == model.subtaskCount() ? 0 : curves[static_cast<size_t>(p)].at(kInf));
                table.cell.push_back(-1);
                continue;
            }
            const double arrival = model.arrivalMs(m, p);
            const double budget = deadline - arrival + 2 * timeSlackMs(deadline);
            table.occupancyMs.push_back(curves[static_cast<size_t>(p)].at(budget));
            const size_t start = static_cast<size_t>(std::upper_bound(grid.startMs.begin(), grid.startMs.end(), arrival) - grid.startMs.begin()) - 1;
            table.cell.push_back(static_cast<int>(start * ends + static_cast<size_t>(endAt - grid.endMs.begin())));
        }
        table.userBegin.push_back(table.energyMj.size());
    }
    return table;
}

/// The Lagrangian L(lambda) = sum_m min_p [E_m(p) + h_m(p) * sum of lambda over the windows that
/// hold option p] - sum_k lambda_k * capacity_k, and a subgradient. O(options + cells).
class WindowDual {
public:
    WindowDual(const WindowGrid& grid, const OptionTable& options)
        : m_grid(grid), m_options(options), m_price(grid.cells()), m_load(grid.cells())
    {
    }

    /// L(@p lambda); writes the subgradient (load minus capacity of each window) to @p gradient.
    double evaluate(const std::vector<double>& lambda, std::vector<double>& gradient)
    {
        const size_t starts = m_grid.startMs.size(), ends = m_grid.endMs.size();
        // price of cell (i, j) = sum of lambda over windows (i' <= i, j' >= j): the windows that
        // hold an option of that cell. Sums of non-negative terms only, so no cancellation.
        for (size_t i = 0; i < starts; ++i) {
            double row = 0;
            for (size_t j = ends; j-- > 0;) {
                row += lambda[i * ends + j];
                m_price[i * ends + j] = row + (i > 0 ? m_price[(i - 1) * ends + j] : 0);
            }
        }
        double value = 0;
        for (size_t k = 0; k < lambda.size(); ++k)
            value -= lambda[k] * m_grid.capacityMs[k];
        std::fill(m_load.begin(), m_load.end(), 0.0);
        const size_t users = m_options.userBegin.size() - 1;
        for (size_t m = 0; m < users; ++m) {
            double least = kInf;
            size_t chosen = 0;
            for (size_t o = m_options.userBegin[m]; o < m_options.userBegin[m + 1]; ++o) {
                const int cell = m_options.cell[o];
                const double priced = m_options.energyMj[o] + (cell < 0 ? 0 : m_options.occupancyMs[o] * m_price[static_cast<size_t>(cell)]);
                if (priced < least) {
                    least = priced;
                    chosen = o;
                }
            }
            value += least;
            if (m_options.cell[chosen] >= 0)
                m_load[static_cast<size_t>(m_options.cell[chosen])] += m_options.occupancyMs[chosen];
        }
        // load of window (i, j) = sum of the chosen occupancies in cells (i' >= i, j' <= j).
        gradient.assign(lambda.size(), 0.0);
        for (size_t i = starts; i-- > 0;) {
            double row = 0;
            for (size_t j = 0; j < ends; ++j) {
                row += m_load[i * ends + j];
                gradient[i * ends + j] = row + (i + 1 < starts ? gradient[(i + 1) * ends + j] : 0);
            }
        }
        for (size_t k = 0; k < gradient.size(); ++k)
            gradient[k] -= m_grid.capacityMs[k];
        return value;
    }

private:
    const WindowGrid& m_grid;
    const OptionTable& m_options;
    std::vector<double> m_price, m_load;
};

/// The largest L(lambda) found by a projected subgradient method with Polyak steps towards a
/// target above the best value so far; the target's distance halves after 8 steps without
/// progress. Every L(lambda) with lambda >= 0 is a valid bound, so the method needs no
/// convergence to be correct, only to be strong. O(iterations * (options + cells)).
double maximizeDual(WindowDual& dual, size_t cells, int iterations)
{
    std::vector<double> lambda(cells, 0.0), gradient;
    double best = -kInf;
    double gap = 0; // how far above the best value the next step aims
    int sinceBetter = 0;
    for (int iteration = 0; iteration < iterations; ++iteration) {
        const double value = dual.evaluate(lambda, gradient);
        if (iteration == 0)
            gap = 0.05 * std::fabs(value) + 1e-9;
        if (value > best) {
            best = value;
            sinceBetter = 0;
        } else if (++sinceBetter >= 8) {
            gap /= 2;
            sinceBetter = 0;
        }
        double norm = 0;
        for (size_t k = 0; k < cells; ++k)
            if (lambda[k] > 0 || gradient[k] > 0)
                norm += gradient[k] * gradient[k];
        if (norm == 0 || gap < 1e-7 * std::fabs(best))
            break; // no ascent direction left (the concave dual's maximum), or no progress
        const double step = (best + gap - value) / norm;
        for (size_t k = 0; k < cells; ++k)
            lambda[k] = std::max(0.0, lambda[k] + step * gradient[k]);
    }
    return best;
}

} // namespace

double windowLowerBoundMj(const CostModel& model, const WindowBoundOptions& options)
{
    if (model.userCount() == 0)
        return 0;
    std::vector<double> arrivals;
    for (int m = 0; m < model.userCount(); ++m)
        for (int p = 0; p < model.subtaskCount(); ++p)
            if (model.feasibleAlone(m, p))
                arrivals.push_back(model.arrivalMs(m, p));
    const WindowGrid grid = makeGrid(model, options, std::move(arrivals));
    const OptionTable table = makeOptions(model, occupancyCurves(model, model.userCount()), grid);
    for (size_t m = 0; m + 1 < table.userBegin.size(); ++m)
        if (table.userBegin[m] == table.userBegin[m + 1])
            return kInf; // a user that cannot meet its deadline at all

    WindowDual dual(grid, table);
    return maximizeDual(dual, grid.cells(), options.iterations);
}

} // namespace coinfer
