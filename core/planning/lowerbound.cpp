#include "core/planning/lowerbound.h"

#include "core/planning/windowbound.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <vector>

namespace coinfer {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// One option a user could meet alone: its energy and its least GPU occupancy.
struct Option {
    double energyMj;
    double gpuMs;
};

/// min over a user's options of E + lambda W.
double priced(const std::vector<Option>& options, double lambda)
{
    double least = kInf;
    for (const Option& option : options)
        least = std::min(least, option.energyMj + lambda * option.gpuMs);
    return least;
}

/// W(p) for p = 0..N: the least GPU time a user offloading after sub-task p occupies, each
/// later sub-task at its cheapest per-user share min_b tau_n(b) / b. O(N * B_max).
std::vector<double> leastOccupancyAfter(const CostModel& model)
{
    const int subtasks = model.subtaskCount();
    std::vector<double> occupancyAfter(static_cast<size_t>(subtasks + 1), 0.0);
    for (int n = subtasks; n >= 1; --n) {
        double share = kInf;
        for (int b = 1; b <= model.maxBatch(); ++b)
            share = std::min(share, model.edgeMs(n, b) / b);
        occupancyAfter[static_cast<size_t>(n - 1)] = occupancyAfter[static_cast<size_t>(n)] + share;
    }
    return occupancyAfter;
}

/// Every user's options that meet its deadline alone, with the cheapest energy and the lightest
/// occupancy among them.
struct UserOptions {
    std::vector<Option> options;
    double cheapestMj = kInf;
    double lightestMs = kInf;
};

/// The options of every user, or nullopt when some user cannot meet its deadline at all. O(M*N).
std::optional<std::vector<UserOptions>> aloneOptions(const CostModel& model, const std::vector<double>& occupancyAfter)
{
    std::vector<UserOptions> users(static_cast<size_t>(model.userCount()));
    for (int m = 0; m < model.userCount(); ++m) {
        UserOptions& user = users[static_cast<size_t>(m)];
        for (int p = 0; p <= model.subtaskCount(); ++p) {
            if (!model.feasibleAlone(m, p))
                continue;
            const Option option{model.energyMj(m, p), occupancyAfter[static_cast<size_t>(p)]};
            user.options.push_back(option);
            user.cheapestMj = std::min(user.cheapestMj, option.energyMj);
            user.lightestMs = std::min(user.lightestMs, option.gpuMs);
        }
        if (user.options.empty())
            return std::nullopt;
    }
    return users;
}

/// Largest value of a concave function on [low, high] found by golden-section search, taking the
/// maximum over every point evaluated (each is a valid bound on its own). O(50 evaluations).
/// Asks @p stopped before each evaluation (one takes milliseconds at 10^6 users) and returns the
/// best value so far when it says stop, -inf before the first.
template<class Function> double maximizeConcave(const Function& value, double low, double high, const StopAsked& stopped)
{
    const auto stop = [&stopped] { return stopped && stopped(); };
    const double ratio = (std::sqrt(5.0) - 1) / 2;
    double a = high - ratio * (high - low), b = low + ratio * (high - low);
    if (stop())
        return -kInf;
    double va = value(a), vb = value(b);
    double best = std::max({va, vb, value(high)});
    for (int iteration = 0; iteration < 48; ++iteration) {
        if (stop())
            break;
        if (va < vb) {
            low = a;
            a = b;
            va = vb;
            b = low + ratio * (high - low);
            vb = value(b);
        } else {
            high = b;
            b = a;
            vb = va;
            a = high - ratio * (high - low);
            va = value(a);
        }
        best = std::max({best, va, vb});
    }
    return best;
}

/// The Lagrangian bound for one group of users that must all finish on the GPU within
/// capacityMs: the others at their cheapest, the group priced at lambda per GPU ms, maximised
/// over lambda; +inf when even the group's lightest options do not fit; after @p stopped says
/// stop, the best value so far (-inf before the first). O(50 * options of the group).
double groupBoundMj(const std::vector<UserOptions>& users, const std::vector<int>& members, double totalCheapestMj,
                    double capacityMs, const StopAsked& stopped)
{
    double outside = totalCheapestMj, lightLoad = 0, upper = 0;
    for (int m : members) {
        const UserOptions& user = users[static_cast<size_t>(m)];
        outside -= user.cheapestMj;
        lightLoad += user.lightestMs;
        // Past this lambda the user always takes its lightest option.
        for (const Option& option : user.options)
            if (option.gpuMs > user.lightestMs)
                upper = std::max(upper, (option.energyMj - user.cheapestMj) / (option.gpuMs - user.lightestMs));
    }
    if (lightLoad > capacityMs + kTimeEpsMs)
        return kInf; // even the lightest options do not fit before the deadline
    auto value = [&](double lambda) {
        double sum = outside - lambda * capacityMs;
        for (int m : members)
            sum += priced(users[static_cast<size_t>(m)].options, lambda);
        return sum;
    };
    return maximizeConcave(value, 0, upper * 1.01 + 1e-12, stopped);
}

} // namespace

double prefixCapacityBoundMj(const CostModel& model, const StopAsked& stopped)
{
    const int users = model.userCount();
    if (users == 0)
        return 0;
    const std::optional<std::vector<UserOptions>> options = aloneOptions(model, leastOccupancyAfter(model));
    if (!options)
        return kInf;
    std::vector<int> order(static_cast<size_t>(users));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return model.deadlineMs(a) < model.deadlineMs(b); });

    double total = 0;
    for (const UserOptions& user : *options)
        total += user.cheapestMj;
    double bound = total;
    constexpr int kThresholds = 16;
    std::vector<int> members;
    for (int step = 1; step <= kThresholds; ++step) {
        if (stopped && stopped())
            break; // the bound so far is a maximum of valid bounds
        // The users up to the step-th sixteenth of the deadline order, ending at a deadline change.
        size_t last = static_cast<size_t>(users) * static_cast<size_t>(step) / kThresholds;
        if (last == 0)
            continue;
        while (last < static_cast<size_t>(users) && model.deadlineMs(order[last]) == model.deadlineMs(order[last - 1]))
            ++last;
        members.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(last));
        const double capacityMs = model.deadlineMs(order[last - 1]) - model.edgeFreeAtMs();
        const double group = groupBoundMj(*options, members, total, capacityMs, stopped);
        if (group == kInf)
            return kInf;
        bound = std::max(bound, group);
        if (last == static_cast<size_t>(users))
            break;
    }
    return bound;
}

double capacityLowerBoundMj(const CostModel& model, const StopAsked& stopped)
{
    const double prefix = prefixCapacityBoundMj(model, stopped);
    if (prefix == kInf)
        return kInf;
    if (stopped && stopped())
        return prefix;
    // The window bound keeps the arrival count bound's limits: its first iterate is that bound.
    WindowBoundOptions options;
    options.stopped = stopped;
    return std::max(prefix, windowLowerBoundMj(model, options));
}

} // namespace coinfer
