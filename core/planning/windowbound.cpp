// The release-aware window bound (docs/algorithms.md section 8): every window [s, t] of the GPU's
// time must hold the GPU work of the users whose data arrive no earlier than s and whose deadline
// is no later than t; all those constraints are priced at once by Lagrange multipliers.
#include "core/planning/windowbound.h"

#include "core/planning/arrivalbound.h"
#include "core/planning/lowerbound.h"
#include "core/planning/windowbound_charges.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace coinfer {

using windowbound_detail::kLayers;
using windowbound_detail::OptionTable;
using windowbound_detail::refineByArrivals;
using windowbound_detail::Refinement;
using windowbound_detail::WindowGrid;

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

/// The options each user could meet alone (A_m(p) + the least GPU time of sub-tasks p+1..N by
/// T_m, or local computing by T_m), without dominated ones when tau never falls as b grows:
/// option p is dominated when another option q > p costs no more and its data arrive no later
/// (or q = N). Moving a user from p to such a q keeps a plan feasible then (it leaves batches
/// p+1..q, which are no longer for it, and is ready for q+1 no later), so some optimal plan
/// uses no dominated option. O(M N^2).
OptionTable collectOptions(const CostModel& model)
{
    const int local = model.subtaskCount();
    std::vector<double> restMs(static_cast<size_t>(local + 1), 0.0); // least GPU time after p
    for (int n = local; n >= 1; --n)
        restMs[static_cast<size_t>(n - 1)] = restMs[static_cast<size_t>(n)] + model.minEdgeMs(n);
    OptionTable table;
    table.userBegin.push_back(0);
    std::vector<char> feasible(static_cast<size_t>(local + 1));
    for (int m = 0; m < model.userCount(); ++m) {
        for (int p = 0; p <= local; ++p)
            feasible[static_cast<size_t>(p)] =
                p == local ? meetsDeadline(model.localMs(m, p), model.deadlineMs(m))
                           : meetsDeadline(model.arrivalMs(m, p) + restMs[static_cast<size_t>(p)], model.deadlineMs(m));
        for (int p = 0; p <= local; ++p) {
            if (!feasible[static_cast<size_t>(p)])
                continue;
            bool dominated = false;
            for (int q = p + 1; q <= local && p < local && model.edgeIsMonotone() && !dominated; ++q)
                dominated = feasible[static_cast<size_t>(q)] && model.energyMj(m, q) <= model.energyMj(m, p) &&
                            (q == local || model.arrivalMs(m, q) <= model.arrivalMs(m, p));
            if (dominated)
                continue;
            table.energyMj.push_back(model.energyMj(m, p));
            table.arrivalMs.push_back(p == local ? kInf : model.arrivalMs(m, p));
            table.deadlineMs.push_back(model.deadlineMs(m));
            table.partition.push_back(p);
            table.owner.push_back(m);
        }
        table.userBegin.push_back(table.energyMj.size());
    }
    return table;
}

/// Fills the occupancy and the window cell of every option. O(options * log).
void placeOptions(OptionTable& table, const std::vector<OccupancyCurve>& curves, const WindowGrid& grid)
{
    const size_t ends = grid.endMs.size();
    for (size_t o = 0; o < table.energyMj.size(); ++o) {
        const double arrival = table.arrivalMs[o], deadline = table.deadlineMs[o];
        const auto endAt = std::lower_bound(grid.endMs.begin(), grid.endMs.end(), deadline);
        if (arrival == kInf || endAt == grid.endMs.end()) {
            table.occupancyMs.push_back(0); // in no window, so never priced
            table.cell.push_back(-1);
            continue;
        }
        const double budget = deadline - arrival + 2 * timeSlackMs(deadline);
        table.occupancyMs.push_back(curves[static_cast<size_t>(table.partition[o])].at(budget));
        const size_t start =
            static_cast<size_t>(std::upper_bound(grid.startMs.begin(), grid.startMs.end(), arrival) - grid.startMs.begin()) - 1;
        table.cell.push_back(static_cast<int>(start * ends + static_cast<size_t>(endAt - grid.endMs.begin())));
    }
}

/// The count limits of the arrival count bound (arrivalbound.h), per option of the table:
/// whether it is a saving option, and per group its members (table users) and limit K.
struct CountLimits {
    std::vector<char> saving;
    std::vector<std::vector<size_t>> groups;
    std::vector<size_t> limit;
};

/// The limits of arrivalCountGroups over @p table; false when a group's forced members (no
/// option but saving ones) outnumber its limit: no plan exists. O(options N + the groups' cost).
bool countLimits(const CostModel& model, const OptionTable& table, const ArrivalBoundOptions& options, CountLimits& limits)
{
    limits.saving.assign(table.energyMj.size(), 0);
    for (size_t o = 0; o < table.energyMj.size(); ++o)
        limits.saving[o] = table.partition[o] < model.subtaskCount() && isSavingOption(model, table.owner[o], table.partition[o]);
    for (SaverGroup& group : arrivalCountGroups(model, options)) {
        size_t forced = 0;
        std::vector<size_t> members;
        for (int user : group.users) {
            const size_t m = static_cast<size_t>(user);
            bool other = false;
            for (size_t o = table.userBegin[m]; o < table.userBegin[m + 1]; ++o)
                other = other || !limits.saving[o];
            forced += other ? 0 : 1;
            members.push_back(m);
        }
        if (forced > static_cast<size_t>(group.limit))
            return false;
        limits.groups.push_back(std::move(members));
        limits.limit.push_back(static_cast<size_t>(group.limit));
    }
    return true;
}

/// The Lagrangian L(lambda) = sum_m min_p [E_m(p) + h_m(p) * sum of lambda over the windows that
/// hold option p] - sum_k lambda_k * capacity_k, and a subgradient. O(options + cells).
class WindowDual {
public:
    WindowDual(const WindowGrid& grid, const OptionTable& options, const Refinement& refinement, const CountLimits& limits)
        : m_grid(grid)
        , m_options(options)
        , m_refinement(refinement)
        , m_limits(limits)
        , m_price(grid.cells())
        , m_load(grid.cells())
        , m_extraLoad(kLayers * grid.cells())
        , m_combined(grid.cells())
        , m_windowLoad(grid.cells())
        , m_chosen(options.userBegin.size() - 1)
    {
    }

    /// L(@p lambda) for the kLayers * cells multipliers; writes the subgradient (load minus
    /// capacity of each window of each layer) to @p gradient.
    double evaluate(const std::vector<double>& lambda, std::vector<double>& gradient)
    {
        const size_t starts = m_grid.startMs.size(), ends = m_grid.endMs.size(), cells = m_grid.cells();
        double value = 0;
        for (size_t k = 0; k < cells; ++k) {
            m_combined[k] = 0;
            for (size_t layer = 0; layer < kLayers; ++layer) {
                m_combined[k] += lambda[layer * cells + k];
                value -= lambda[layer * cells + k] * m_grid.capacityMs[k];
            }
        }
        // price of cell (i, j) = sum of lambda over windows (i' <= i, j' >= j) of both layers: the
        // windows whose h charge holds an option of that cell. Non-negative terms, no cancellation.
        for (size_t i = 0; i < starts; ++i) {
            double row = 0;
            for (size_t j = ends; j-- > 0;) {
                row += m_combined[i * ends + j];
                m_price[i * ends + j] = row + (i > 0 ? m_price[(i - 1) * ends + j] : 0);
            }
        }
        std::fill(m_load.begin(), m_load.end(), 0.0);
        std::fill(m_extraLoad.begin(), m_extraLoad.end(), 0.0);
        value += chooseOptions(lambda);
        for (size_t chosen : m_chosen) {
            if (m_options.cell[chosen] >= 0)
                m_load[static_cast<size_t>(m_options.cell[chosen])] += m_options.occupancyMs[chosen];
            for (size_t e = m_refinement.begin[chosen]; e < m_refinement.begin[chosen + 1]; ++e)
                m_extraLoad[m_refinement.entries[e].first] += m_refinement.entries[e].second;
        }
        // h load of window (i, j) = sum of the chosen occupancies in cells (i' >= i, j' <= j).
        for (size_t i = starts; i-- > 0;) {
            double row = 0;
            for (size_t j = 0; j < ends; ++j) {
                row += m_load[i * ends + j];
                m_windowLoad[i * ends + j] = row + (i + 1 < starts ? m_windowLoad[(i + 1) * ends + j] : 0);
            }
        }
        gradient.resize(lambda.size());
        for (size_t layer = 0; layer < kLayers; ++layer)
            for (size_t k = 0; k < cells; ++k)
                gradient[layer * cells + k] = m_windowLoad[k] + m_extraLoad[layer * cells + k] - m_grid.capacityMs[k];
        return value;
    }

    /// Whether evaluate keeps the count limits.
    void useLimits(bool use) { m_useLimits = use; }

private:
    /// E_o plus the priced charges of option @p o. O(its refinements).
    double priced(size_t o, const std::vector<double>& lambda) const
    {
        const int cell = m_options.cell[o];
        double value = m_options.energyMj[o] + (cell < 0 ? 0 : m_options.occupancyMs[o] * m_price[static_cast<size_t>(cell)]);
        for (size_t e = m_refinement.begin[o]; e < m_refinement.begin[o + 1]; ++e)
            value += lambda[m_refinement.entries[e].first] * m_refinement.entries[e].second;
        return value;
    }

    /// The least priced option of every user into m_chosen, with at most limit saving options in
    /// each group of the count limits (the members whose saving option gains most over their
    /// best other one take it); returns the sum of the chosen prices. O(options + n log n per
    /// group).
    double chooseOptions(const std::vector<double>& lambda)
    {
        const size_t users = m_chosen.size();
        double sum = 0;
        std::vector<std::pair<double, size_t>>& gains = m_gains;
        for (size_t m = 0; m < users; ++m) {
            // The least priced option, and among a limited user's non-saving options the least.
            double least = kInf, leastOther = kInf;
            size_t chosen = m_options.userBegin[m], other = chosen;
            for (size_t o = m_options.userBegin[m]; o < m_options.userBegin[m + 1]; ++o) {
                const double value = priced(o, lambda);
                if (value < least)
                    least = value, chosen = o;
                if (!m_limits.saving[o] && value < leastOther)
                    leastOther = value, other = o;
            }
            m_chosen[m] = chosen;
            m_other[m] = other;
            m_gain[m] = m_limits.saving[chosen] ? leastOther - least : 0;
            sum += least;
        }
        for (size_t g = 0; g < m_limits.groups.size() && m_useLimits; ++g) {
            const std::vector<size_t>& group = m_limits.groups[g];
            gains.clear();
            for (size_t m : group)
                if (m_limits.saving[m_chosen[m]])
                    gains.push_back({m_gain[m], m});
            const size_t limit = m_limits.limit[g];
            if (gains.size() <= limit)
                continue;
            // Forced members (no other option) have an infinite gain and stay.
            std::nth_element(gains.begin(), gains.begin() + static_cast<std::ptrdiff_t>(limit), gains.end(),
                             [](const auto& a, const auto& b) { return a.first > b.first; });
            for (size_t i = limit; i < gains.size(); ++i) {
                const size_t m = gains[i].second;
                sum += gains[i].first;
                m_chosen[m] = m_other[m];
            }
        }
        return sum;
    }

    const WindowGrid& m_grid;
    const OptionTable& m_options;
    const Refinement& m_refinement;
    const CountLimits& m_limits;
    bool m_useLimits = true;
    std::vector<double> m_price, m_load, m_extraLoad, m_combined, m_windowLoad;
    std::vector<size_t> m_chosen, m_other = std::vector<size_t>(m_chosen.size());
    std::vector<double> m_gain = std::vector<double>(m_chosen.size());
    std::vector<std::pair<double, size_t>> m_gains;
};

/// The largest L(lambda) found by a projected subgradient method with Polyak steps towards a
/// target above the best value so far; the target's distance halves after 8 steps without
/// progress. Every L(lambda) with lambda >= 0 is a valid bound, so the method needs no
/// convergence to be correct, only to be strong. O(iterations * (options + cells)).
double maximizeDual(WindowDual& dual, std::vector<double>& lambda, int iterations, const std::function<bool()>& stopped)
{
    const size_t cells = lambda.size();
    std::vector<double> gradient, bestLambda = lambda;
    double best = -kInf;
    double gap = 0; // how far above the best value the next step aims
    int sinceBetter = 0;
    for (int iteration = 0; iteration < iterations; ++iteration) {
        if (stopped && stopped())
            break;
        const double value = dual.evaluate(lambda, gradient);
        if (iteration == 0)
            gap = 0.05 * std::fabs(value) + 1e-9;
        if (value > best) {
            best = value;
            bestLambda = lambda;
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
    if (best > -kInf)
        lambda = std::move(bestLambda);
    return best;
}

} // namespace

double windowLowerBoundMj(const CostModel& model, const WindowBoundOptions& options)
{
    if (model.userCount() == 0)
        return 0;
    OptionTable table = collectOptions(model);
    for (size_t m = 0; m + 1 < table.userBegin.size(); ++m)
        if (table.userBegin[m] == table.userBegin[m + 1])
            return kInf; // a user that cannot meet its deadline at all
    std::vector<double> arrivals;
    for (double arrival : table.arrivalMs)
        if (arrival < kInf)
            arrivals.push_back(arrival);
    const auto stop = [&options] { return options.stopped && options.stopped(); };
    const WindowGrid grid = makeGrid(model, options, std::move(arrivals));
    placeOptions(table, occupancyCurves(model, model.userCount()), grid);
    if (stop())
        return -kInf; // no iterate yet: no bound from this argument

    CountLimits limits;
    limits.saving.assign(table.energyMj.size(), 0);
    if (options.countLimits && !countLimits(model, table, options.arrivals, limits))
        return kInf; // more users must offload than can
    if (stop())
        return -kInf;
    const Refinement refinement = refineByArrivals(model, grid, table, options);
    WindowDual dual(grid, table, refinement, limits);
    // First without the limits, then with them from the best multipliers found: the limits only
    // raise L at every lambda, so the bound is never below the one without them, nor (lambda = 0)
    // below the arrival count bound.
    dual.useLimits(false);
    std::vector<double> lambda(kLayers * grid.cells(), 0.0), gradient;
    double best = maximizeDual(dual, lambda, options.iterations, options.stopped);
    if (limits.groups.empty() || stop())
        return best;
    dual.useLimits(true);
    best = std::max(best, dual.evaluate(std::vector<double>(lambda.size(), 0.0), gradient));
    return std::max(best, maximizeDual(dual, lambda, options.limitIterations, options.stopped));
}

} // namespace coinfer
