#include "reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace coinfer::reference {

double ogClassSize(int users, int subtasks)
{
    return (subtasks + 1) * std::pow(subtasks + 2, users - 1);
}

double ogClassOptimum(const CostModel& model, const std::vector<double>& remainingMs)
{
    const double inf = std::numeric_limits<double>::infinity();
    const int users = model.userCount();
    const int n = model.subtaskCount();
    std::vector<int> order(static_cast<size_t>(users));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return model.deadlineMs(a) < model.deadlineMs(b); });

    auto memberCost = [&](int m, int reservation, double endMs) {
        double best = model.localMs(m, n) <= model.deadlineMs(m) + kTimeEpsMs ? model.energyMj(m, n) : inf;
        if (reservation >= 0)
            for (int p = reservation; p < n; ++p)
                if (model.arrivalMs(m, p) + remainingMs[static_cast<size_t>(p)] <= endMs + kTimeEpsMs)
                    best = std::min(best, model.energyMj(m, p));
        return best;
    };

    double optimum = inf;
    for (unsigned cuts = 0; cuts < (1u << std::max(users - 1, 0)); ++cuts) {
        std::vector<std::pair<int, int>> groups; // [first, last] positions
        int first = 0;
        for (int pos = 0; pos < users; ++pos)
            if (pos == users - 1 || (cuts & (1u << pos))) {
                groups.emplace_back(first, pos);
                first = pos + 1;
            }
        std::vector<int> reservation(groups.size(), -1); // -1: no offloading member, no round
        for (;;) {
            double total = 0, boundMs = inf;
            for (size_t g = groups.size(); g-- > 0 && std::isfinite(total);) {
                const double endMs = std::min(model.deadlineMs(order[static_cast<size_t>(groups[g].first)]), boundMs);
                for (int pos = groups[g].first; pos <= groups[g].second; ++pos)
                    total += memberCost(order[static_cast<size_t>(pos)], reservation[g], endMs);
                if (reservation[g] >= 0)
                    boundMs = endMs - remainingMs[static_cast<size_t>(reservation[g])];
            }
            optimum = std::min(optimum, total);
            size_t g = 0;
            while (g < reservation.size() && ++reservation[g] == n)
                reservation[g++] = -1;
            if (g == reservation.size())
                break;
        }
    }
    return optimum;
}

} // namespace coinfer::reference
