#include "core/planning/lowerbound.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
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

} // namespace

double capacityLowerBoundMj(const CostModel& model)
{
    const int users = model.userCount();
    const int subtasks = model.subtaskCount();
    if (users == 0)
        return 0;
    std::vector<double> occupancyAfter(static_cast<size_t>(subtasks + 1), 0.0); // W(p) = sum_{n>p} share_n
    for (int n = subtasks; n >= 1; --n) {
        double share = kInf;
        for (int b = 1; b <= model.maxBatch(); ++b)
            share = std::min(share, model.edgeMs(n, b) / b);
        occupancyAfter[static_cast<size_t>(n - 1)] = occupancyAfter[static_cast<size_t>(n)] + share;
    }
    std::vector<std::vector<Option>> options(static_cast<size_t>(users));
    std::vector<double> cheapest(static_cast<size_t>(users), kInf), lightest(static_cast<size_t>(users), kInf);
    for (int m = 0; m < users; ++m) {
        for (int p = 0; p <= subtasks; ++p) {
            if (!model.feasibleAlone(m, p))
                continue;
            options[static_cast<size_t>(m)].push_back({model.energyMj(m, p), occupancyAfter[static_cast<size_t>(p)]});
            cheapest[static_cast<size_t>(m)] = std::min(cheapest[static_cast<size_t>(m)], model.energyMj(m, p));
            lightest[static_cast<size_t>(m)] = std::min(lightest[static_cast<size_t>(m)], occupancyAfter[static_cast<size_t>(p)]);
        }
        if (options[static_cast<size_t>(m)].empty())
            return kInf;
    }
    std::vector<int> order(static_cast<size_t>(users));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return model.deadlineMs(a) < model.deadlineMs(b); });

    const double total = std::accumulate(cheapest.begin(), cheapest.end(), 0.0);
    double bound = total;
    constexpr int kThresholds = 16;
    std::vector<int> members;
    for (int step = 1; step <= kThresholds; ++step) {
        // The users up to the step-th sixteenth of the deadline order, ending at a deadline change.
        size_t last = static_cast<size_t>(users) * static_cast<size_t>(step) / kThresholds;
        if (last == 0)
            continue;
        while (last < static_cast<size_t>(users) && model.deadlineMs(order[last]) == model.deadlineMs(order[last - 1]))
            ++last;
        const double capacityMs = model.deadlineMs(order[last - 1]) - model.edgeFreeAtMs();
        members.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(last));
        double outside = total, lightLoad = 0, upper = 0;
        for (int m : members) {
            outside -= cheapest[static_cast<size_t>(m)];
            lightLoad += lightest[static_cast<size_t>(m)];
            // Past this lambda the user always takes its lightest option.
            for (const Option& option : options[static_cast<size_t>(m)])
                if (option.gpuMs > lightest[static_cast<size_t>(m)])
                    upper = std::max(upper, (option.energyMj - cheapest[static_cast<size_t>(m)]) / (option.gpuMs - lightest[static_cast<size_t>(m)]));
        }
        if (lightLoad > capacityMs + kTimeEpsMs)
            return kInf; // even the lightest options do not fit before t
        auto value = [&](double lambda) {
            double sum = outside - lambda * capacityMs;
            for (int m : members)
                sum += priced(options[static_cast<size_t>(m)], lambda);
            return sum;
        };
        // Golden section on the concave function; every evaluated point is a valid bound.
        double low = 0, high = upper * 1.01 + 1e-12;
        const double ratio = (std::sqrt(5.0) - 1) / 2;
        double a = high - ratio * (high - low), b = low + ratio * (high - low);
        double va = value(a), vb = value(b);
        bound = std::max({bound, va, vb, value(high)});
        for (int iteration = 0; iteration < 48; ++iteration) {
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
            bound = std::max({bound, va, vb});
        }
        if (last == static_cast<size_t>(users))
            break;
    }
    return bound;
}

} // namespace coinfer
