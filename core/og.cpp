// OG: optimal grouping over the class of SPEC section 2, by a sweep over the bound B by which
// the rounds of a deadline-sorted prefix must end. docs/algorithms.md has the recursion and
// its proof sketch; the comments here only say why the code is shaped as it is.

#include "core/planner.h"
#include "core/roundbounds.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <queue>
#include <unordered_set>

namespace coinfer {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Why F_j(B) has its value: user j alone and local, or a group [first..j] with reservation k.
struct Decision {
    enum class Kind { Local, Group } kind = Kind::Local;
    int first = 0;        // 1-based position of the group's first user
    int reservation = 0;  // k: the round runs sub-tasks k+1..N
};

/// F_j is a non-increasing step function of B; a piece holds from boundMs to the next piece.
struct Piece {
    double boundMs;
    double energyMj;
    Decision decision;
};

class OgSolver {
public:
    OgSolver(const CostModel& model, const std::vector<double>& remainingMs)
        : m_model(model), m_users(model.userCount()), m_subtasks(model.subtaskCount())
        , m_remainingMs(remainingMs.begin(), remainingMs.begin() + m_subtasks)
    {
        m_order.resize(static_cast<size_t>(m_users));
        std::iota(m_order.begin(), m_order.end(), 0);
        std::stable_sort(m_order.begin(), m_order.end(),
                         [&](int a, int b) { return model.deadlineMs(a) < model.deadlineMs(b); });
        for (int pos = 0; pos < m_users; ++pos) {
            const int m = m_order[static_cast<size_t>(pos)];
            m_deadlineMs.push_back(model.deadlineMs(m));
            m_localMj.push_back(model.localMs(m, m_subtasks) <= model.deadlineMs(m) + kTimeEpsMs
                                    ? model.energyMj(m, m_subtasks) : kInf);
            for (int p = 0; p < m_subtasks; ++p) {
                m_thresholdMs.push_back(model.arrivalMs(m, p) + m_remainingMs[static_cast<size_t>(p)]);
                m_offloadMj.push_back(model.energyMj(m, p));
            }
        }
        m_prefix.resize(static_cast<size_t>(m_users + 1));
        m_prefix[0].push_back({-kInf, 0.0, {}});
        m_unpushed.assign(static_cast<size_t>(m_users + 1), {0.0, kInf, {}});
    }

    /// Returns false when no plan of the class meets every deadline.
    bool solve()
    {
        sweep();
        return std::isfinite(value(m_users, kInf));
    }

    Schedule reconstruct() const;

private:
    // Best energy of the user at 0-based position pos in a round ending at endMs, for every
    // reservation k = 0..N-1 at once (suffix minimum over p >= k). O(N).
    void bestOptions(int pos, double endMs, double* out) const
    {
        double best = kInf;
        const size_t base = static_cast<size_t>(pos) * static_cast<size_t>(m_subtasks);
        for (int p = m_subtasks - 1; p >= 0; --p) {
            if (m_thresholdMs[base + static_cast<size_t>(p)] <= endMs + kTimeEpsMs)
                best = std::min(best, m_offloadMj[base + static_cast<size_t>(p)]);
            out[p] = std::min(best, m_localMj[static_cast<size_t>(pos)]);
        }
    }

    const Piece* pieceAt(int prefix, double boundMs) const
    {
        const auto& pieces = m_prefix[static_cast<size_t>(prefix)];
        auto it = std::upper_bound(pieces.begin(), pieces.end(), boundMs + kTimeEpsMs,
                                   [](double x, const Piece& piece) { return x < piece.boundMs; });
        return it == pieces.begin() ? nullptr : &*(it - 1);
    }

    double value(int prefix, double boundMs) const
    {
        const Piece* piece = pieceAt(prefix, boundMs);
        return piece ? piece->energyMj : kInf;
    }

    void sweep();
    void evaluateAt(double boundMs, int pushedFrom, bool& newBreakpoint);
    void captureUnpushed(double boundMs, int position);

    const CostModel& m_model;
    int m_users, m_subtasks;
    std::vector<double> m_remainingMs; // R_k for k = 0..N-1
    std::vector<int> m_order;          // user index at each deadline-sorted position
    std::vector<double> m_deadlineMs, m_localMj, m_thresholdMs, m_offloadMj;
    std::vector<std::vector<Piece>> m_prefix; // F_j for j = 0..M
    std::vector<Piece> m_unpushed; // per j: best group [i..j] whose round ends at its own T_i < B
    std::vector<double> m_bestBuffer;  // best options at the current B, per position and k
};

void OgSolver::sweep()
{
    // Candidate bounds: every point where some F_j can step. They start as the deadlines and the
    // thresholds A_m(p) + R_p, and every breakpoint b found adds b + R_k (a round of reservation
    // k that must end by b pushes the rounds before it to end by b - R_k).
    std::priority_queue<double, std::vector<double>, std::greater<>> candidates;
    candidates.push(-kInf);
    for (double t : m_deadlineMs)
        candidates.push(t);
    for (double t : m_thresholdMs)
        if (std::isfinite(t))
            candidates.push(t);
    const double lastDeadline = m_users > 0 ? m_deadlineMs.back() : 0.0;
    std::unordered_set<double> expanded;
    m_bestBuffer.assign(static_cast<size_t>(m_users) * static_cast<size_t>(std::max(m_subtasks, 1)), kInf);

    int pushedFrom = 0; // positions before it have T < B: their groups no longer follow B
    double previous = std::nan("");
    while (!candidates.empty()) {
        const double boundMs = candidates.top();
        candidates.pop();
        if (boundMs == previous || boundMs > lastDeadline)
            continue;
        previous = boundMs;
        while (pushedFrom < m_users && m_deadlineMs[static_cast<size_t>(pushedFrom)] < boundMs)
            ++pushedFrom;
        bool newBreakpoint = false;
        evaluateAt(boundMs, pushedFrom, newBreakpoint);
        for (int pos = pushedFrom; pos < m_users && m_deadlineMs[static_cast<size_t>(pos)] == boundMs; ++pos)
            captureUnpushed(boundMs, pos + 1);
        if (newBreakpoint && std::isfinite(boundMs) && expanded.insert(boundMs).second)
            for (double r : m_remainingMs)
                if (r > 0 && boundMs + r <= lastDeadline)
                    candidates.push(boundMs + r);
    }
}

void OgSolver::evaluateAt(double boundMs, int pushedFrom, bool& newBreakpoint)
{
    const size_t k = static_cast<size_t>(m_subtasks);
    // running[k]: min over group starts i in (pushedFrom, j] of F_{i-1}(B - R_k) + sum of the
    // members' best options; the groups that start later than pushedFrom all end at B.
    std::vector<double> running(k, kInf);
    std::vector<int> runningFirst(k, 0);
    for (int j = pushedFrom + 1; j <= m_users; ++j) {
        double* best = &m_bestBuffer[static_cast<size_t>(j - 1) * k];
        bestOptions(j - 1, boundMs, best);
        Piece candidate = m_unpushed[static_cast<size_t>(j)];
        candidate.boundMs = boundMs;
        const double local = m_localMj[static_cast<size_t>(j - 1)];
        if (std::isfinite(local)) {
            const double energy = local + value(j - 1, boundMs);
            if (energy < candidate.energyMj)
                candidate = {boundMs, energy, {Decision::Kind::Local, j, 0}};
        }
        for (size_t r = 0; r < k; ++r) {
            const double before = value(j - 1, boundMs - m_remainingMs[r]);
            if (before < running[r]) {
                running[r] = before;
                runningFirst[r] = j;
            }
            running[r] += best[r];
            if (running[r] < candidate.energyMj)
                candidate = {boundMs, running[r], {Decision::Kind::Group, runningFirst[r], static_cast<int>(r)}};
        }
        auto& pieces = m_prefix[static_cast<size_t>(j)];
        // A new piece only where the value really drops, not where sums in another order differ.
        if (pieces.empty() ? std::isfinite(candidate.energyMj)
                           : candidate.energyMj < pieces.back().energyMj * (1 - 1e-12)) {
            pieces.push_back(candidate);
            newBreakpoint = true;
        }
    }
}

void OgSolver::captureUnpushed(double boundMs, int first)
{
    // The groups that start at `first` end at T_first for every larger B: record their value now.
    const size_t k = static_cast<size_t>(m_subtasks);
    std::vector<double> before(k), members(k, 0.0);
    for (size_t r = 0; r < k; ++r)
        before[r] = value(first - 1, boundMs - m_remainingMs[r]);
    for (int j = first; j <= m_users; ++j) {
        const double* best = &m_bestBuffer[static_cast<size_t>(j - 1) * k];
        Piece& slot = m_unpushed[static_cast<size_t>(j)];
        for (size_t r = 0; r < k; ++r) {
            members[r] += best[r];
            const double energy = before[r] + members[r];
            if (energy < slot.energyMj)
                slot = {boundMs, energy, {Decision::Kind::Group, first, static_cast<int>(r)}};
        }
    }
}

Schedule OgSolver::reconstruct() const
{
    Schedule schedule;
    schedule.partitions.assign(static_cast<size_t>(m_users), m_subtasks);
    schedule.groups.assign(static_cast<size_t>(m_users), -1);
    std::vector<std::vector<int>> rounds; // members of each round, latest round first
    std::vector<double> best(static_cast<size_t>(std::max(m_subtasks, 1)));
    double boundMs = kInf;
    for (int j = m_users; j > 0;) {
        const Piece* piece = pieceAt(j, boundMs);
        if (!piece)
            break; // cannot happen when solve() succeeded
        const Decision& decision = piece->decision;
        if (decision.kind == Decision::Kind::Local) {
            --j;
            continue;
        }
        const int first = decision.first;
        const int k = decision.reservation;
        const double endMs = std::min(m_deadlineMs[static_cast<size_t>(first - 1)], boundMs);
        std::vector<int> members;
        for (int pos = first - 1; pos < j; ++pos) {
            const int m = m_order[static_cast<size_t>(pos)];
            int choice = m_subtasks;
            double energy = m_localMj[static_cast<size_t>(pos)];
            const size_t base = static_cast<size_t>(pos) * static_cast<size_t>(m_subtasks);
            for (int p = m_subtasks - 1; p >= k; --p)
                if (m_thresholdMs[base + static_cast<size_t>(p)] <= endMs + kTimeEpsMs && m_offloadMj[base + static_cast<size_t>(p)] < energy) {
                    choice = p;
                    energy = m_offloadMj[base + static_cast<size_t>(p)];
                }
            schedule.partitions[static_cast<size_t>(m)] = choice;
            members.push_back(m);
        }
        rounds.push_back(std::move(members));
        boundMs = endMs - m_remainingMs[static_cast<size_t>(k)];
        j = first - 1;
    }
    std::reverse(rounds.begin(), rounds.end());
    int group = 0;
    for (const auto& members : rounds) {
        auto batches = roundBatches(m_model, members, schedule.partitions);
        if (batches.empty())
            continue;
        for (int m : members)
            if (schedule.partitions[static_cast<size_t>(m)] < m_subtasks)
                schedule.groups[static_cast<size_t>(m)] = group;
        schedule.batches.insert(schedule.batches.end(), batches.begin(), batches.end());
        ++group;
    }
    return schedule;
}

} // namespace

Schedule planOgForBounds(const CostModel& model, const std::vector<double>& remainingMs)
{
    if (model.subtaskCount() == 0)
        return planLocal(model);
    OgSolver solver(model, remainingMs);
    if (!solver.solve())
        return planIpSsaForBounds(model, remainingMs); // infeasible either way; the simulator says who is late
    return solver.reconstruct();
}

Schedule planOg(const CostModel& model)
{
    return planWithBoundIteration(model, [&](const std::vector<double>& remainingMs) {
        return planOgForBounds(model, remainingMs);
    });
}

} // namespace coinfer
