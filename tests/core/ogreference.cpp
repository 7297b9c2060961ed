// Test-only copy of OG as it was before its pruned sweep (core/planning/og.cpp at aff653b), renamed into
// coinfer::reference. Do not edit (beyond planOgBefore reporting a plan dropped for its budget):
// it is the reference the new OG is compared against.

#include "ogreference.h"

#include "core/planning/roundbounds.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <queue>
#include <unordered_set>

namespace coinfer::reference {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Why F_j(B) has its value: user j alone and local, or a group [first..j] with reservation k.
struct Decision {
    enum class Kind { Local, Group } kind = Kind::Local;
    int first = 0;       // 1-based position of the group's first user
    int reservation = 0; // k: the round runs sub-tasks k+1..N
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
        : m_model(model)
        , m_users(model.userCount())
        , m_subtasks(model.subtaskCount())
        , m_remainingMs(remainingMs.begin(), remainingMs.begin() + m_subtasks)
    {
        m_order.resize(static_cast<size_t>(m_users));
        std::iota(m_order.begin(), m_order.end(), 0);
        std::stable_sort(m_order.begin(), m_order.end(), [&](int a, int b) { return model.deadlineMs(a) < model.deadlineMs(b); });
        for (int pos = 0; pos < m_users; ++pos) {
            const int m = m_order[static_cast<size_t>(pos)];
            m_deadlineMs.push_back(model.deadlineMs(m));
            m_localMj.push_back(model.localMs(m, m_subtasks) <= model.deadlineMs(m) + kTimeEpsMs ? model.energyMj(m, m_subtasks)
                                                                                                 : kInf);
            for (int p = 0; p < m_subtasks; ++p) {
                m_thresholdMs.push_back(model.arrivalMs(m, p) + m_remainingMs[static_cast<size_t>(p)]);
                m_offloadMj.push_back(model.energyMj(m, p));
            }
            dropUselessOptions(pos);
        }
        m_prefix.resize(static_cast<size_t>(m_users + 1));
        m_prefix[0].push_back({-kInf, 0.0, {}});
    }

    // An option that can never be a member's strict best changes nothing where it opens, so it
    // is closed for good and its threshold is not a candidate: one past the user's deadline
    // (no round of its group ends later), or one that a later partition or local computing
    // matches in energy while opening no later (allowed for every reservation p is allowed for).
    void dropUselessOptions(int pos)
    {
        const size_t base = static_cast<size_t>(pos) * static_cast<size_t>(m_subtasks);
        const double localMj = m_localMj[static_cast<size_t>(pos)]; // allowed whenever it is finite
        // Scan p downwards, keeping the options above p that are not dominated themselves.
        std::vector<std::pair<double, double>> above; // (threshold, energy) Pareto front
        for (int p = m_subtasks - 1; p >= 0; --p) {
            double& threshold = m_thresholdMs[base + static_cast<size_t>(p)];
            const double energy = m_offloadMj[base + static_cast<size_t>(p)];
            bool dominated = threshold > m_deadlineMs[static_cast<size_t>(pos)] + kTimeEpsMs || localMj <= energy;
            for (size_t i = 0; i < above.size() && !dominated; ++i)
                dominated = above[i].second <= energy && above[i].first <= threshold;
            if (dominated) {
                threshold = kInf;
                continue;
            }
            above.emplace_back(threshold, energy);
        }
    }

    /// Returns false when no plan of the class meets every deadline.
    bool solve()
    {
        sweep();
        return !m_aborted && std::isfinite(value(m_users, kInf));
    }

    /// Stops the sweep once it has evaluated this many rows (each O(N)); solve() then fails.
    void setRowLimit(long long rows) { m_rowLimit = rows; }
    bool aborted() const { return m_aborted; }
    long long rowsEvaluated() const { return m_rowsEvaluated; }

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

    // F_j(x) for an x that never decreases between calls with the same cursor: the sweep's bound
    // only grows, so each cursor walks F_j's pieces once instead of a binary search per call.
    double valueAscending(int prefix, double boundMs, int& cursor) const
    {
        const auto& pieces = m_prefix[static_cast<size_t>(prefix)];
        while (cursor + 1 < static_cast<int>(pieces.size()) &&
               pieces[static_cast<size_t>(cursor + 1)].boundMs <= boundMs + kTimeEpsMs)
            ++cursor;
        return cursor < 0 ? kInf : pieces[static_cast<size_t>(cursor)].energyMj;
    }

    void sweep();
    /// Evaluates F_j(B) on the rows that can have changed; lists the rows that gained a piece.
    void evaluateAt(double boundMs, int pushedFrom, const std::vector<int>& changedRows, bool allRows,
                    std::vector<int>& newPieceRows);

    const CostModel& m_model;
    int m_users, m_subtasks;
    std::vector<double> m_remainingMs; // R_k for k = 0..N-1
    std::vector<int> m_order;          // user index at each deadline-sorted position
    std::vector<double> m_deadlineMs, m_localMj, m_thresholdMs, m_offloadMj;
    std::vector<std::vector<Piece>> m_prefix; // F_j for j = 0..M
    std::vector<double> m_bestBuffer;         // best options at the current B, per position and k
    std::vector<double> m_running;            // per (j, k): the running minimum of evaluateAt
    std::vector<int> m_runningFirst;          // per (j, k): the group start that achieves it
    std::vector<int> m_groupCursor;           // per (j, k): cursor into F_{j-1} for B - R_k
    std::vector<int> m_localCursor;           // per j: cursor into F_{j-1} for B
    long long m_rowsEvaluated = 0;
    long long m_rowLimit = std::numeric_limits<long long>::max();
    bool m_aborted = false;
};

void OgSolver::sweep()
{
    // Candidate bounds: every point where some F_j can step. They start as the deadlines and the
    // thresholds A_m(p) + R_p, and every breakpoint b of F_j adds b + R_k (a round of reservation
    // k that must end by b pushes the rounds before it to end by b - R_k). Each candidate names
    // the rows it can change; the rows between keep their cached state unless a change ripples.
    struct Candidate {
        double boundMs;
        int row;     // a row (prefix length) it changes, or -1
        int rowList; // else an index into rowLists: the rows of one breakpoint
        bool operator>(const Candidate& other) const { return boundMs > other.boundMs; }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> candidates;
    std::vector<std::vector<int>> rowLists;
    candidates.push({-kInf, 1, -1});
    for (int pos = 0; pos < m_users; ++pos) {
        candidates.push({m_deadlineMs[static_cast<size_t>(pos)], pos + 1, -1});
        for (int p = 0; p < m_subtasks; ++p) {
            const double threshold =
                m_thresholdMs[static_cast<size_t>(pos) * static_cast<size_t>(m_subtasks) + static_cast<size_t>(p)];
            if (std::isfinite(threshold))
                candidates.push({threshold, pos + 1, -1});
        }
    }
    const double lastDeadline = m_users > 0 ? m_deadlineMs.back() : 0.0;
    std::unordered_set<double> expanded;
    const size_t cells = static_cast<size_t>(m_users) * static_cast<size_t>(m_subtasks);
    m_bestBuffer.assign(cells, kInf);
    m_running.assign(cells, kInf);
    m_runningFirst.assign(cells, 0);
    m_groupCursor.assign(cells, -1);
    m_localCursor.assign(static_cast<size_t>(m_users), -1);

    int pushedFrom = 0; // positions before it have T < B: their groups no longer follow B
    std::vector<int> changedRows, newPieceRows;
    while (!candidates.empty()) {
        const double boundMs = candidates.top().boundMs;
        if (boundMs > lastDeadline)
            break;
        changedRows.clear();
        while (!candidates.empty() && candidates.top().boundMs == boundMs) {
            const Candidate& top = candidates.top();
            if (top.row >= 0)
                changedRows.push_back(top.row);
            else
                changedRows.insert(changedRows.end(), rowLists[static_cast<size_t>(top.rowList)].begin(),
                                   rowLists[static_cast<size_t>(top.rowList)].end());
            candidates.pop();
        }
        const int before = pushedFrom;
        while (pushedFrom < m_users && m_deadlineMs[static_cast<size_t>(pushedFrom)] < boundMs)
            ++pushedFrom;
        std::sort(changedRows.begin(), changedRows.end());
        evaluateAt(boundMs, pushedFrom, changedRows, pushedFrom != before, newPieceRows);
        if (m_rowsEvaluated > m_rowLimit) {
            m_aborted = true;
            return;
        }
        if (!newPieceRows.empty() && std::isfinite(boundMs) && expanded.insert(boundMs).second) {
            for (int& row : newPieceRows)
                ++row; // F_j's new piece changes the groups that start at j + 1
            rowLists.push_back(newPieceRows);
            for (double r : m_remainingMs)
                if (r > 0 && boundMs + r <= lastDeadline)
                    candidates.push({boundMs + r, -1, static_cast<int>(rowLists.size() - 1)});
        }
    }
}

void OgSolver::evaluateAt(double boundMs, int pushedFrom, const std::vector<int>& changedRows, bool allRows,
                          std::vector<int>& newPieceRows)
{
    const size_t k = static_cast<size_t>(m_subtasks);
    newPieceRows.clear();
    // running[k] at row j: min over group starts i in (pushedFrom, j] of F_{i-1}(B - R_k) + the
    // sum of members i..j's best options; the groups that start after pushedFrom all end at B.
    // A row is recomputed when a candidate names it or the row before it changed; the others
    // are as they were at the previous candidate.
    size_t next = 0;
    int j = allRows ? pushedFrom + 1 : 0;
    bool ripple = allRows;
    for (;;) {
        while (next < changedRows.size() && changedRows[next] <= pushedFrom)
            ++next;
        if (!ripple) {
            while (next < changedRows.size() && changedRows[next] <= j)
                ++next;
            if (next == changedRows.size())
                break;
            j = changedRows[next];
        }
        if (j > m_users)
            break;
        ++m_rowsEvaluated;
        double* best = &m_bestBuffer[static_cast<size_t>(j - 1) * k];
        bestOptions(j - 1, boundMs, best);
        // Start from F_j's last piece: F_j never rises with B, and the groups that start at a user
        // with T_i < B end at T_i for every larger B, so their values are already in it.
        const auto& pieces = m_prefix[static_cast<size_t>(j)];
        Piece candidate = pieces.empty() ? Piece{boundMs, kInf, {}} : pieces.back();
        candidate.boundMs = boundMs;
        const double local = m_localMj[static_cast<size_t>(j - 1)];
        if (std::isfinite(local)) {
            const double energy = local + valueAscending(j - 1, boundMs, m_localCursor[static_cast<size_t>(j - 1)]);
            if (energy < candidate.energyMj)
                candidate = {boundMs, energy, {Decision::Kind::Local, j, 0}};
        }
        const bool resume = j - 1 > pushedFrom;
        const double* previous = resume ? &m_running[static_cast<size_t>(j - 2) * k] : nullptr;
        const int* previousFirst = resume ? &m_runningFirst[static_cast<size_t>(j - 2) * k] : nullptr;
        double* running = &m_running[static_cast<size_t>(j - 1) * k];
        int* runningFirst = &m_runningFirst[static_cast<size_t>(j - 1) * k];
        int* cursors = &m_groupCursor[static_cast<size_t>(j - 1) * k];
        bool rowChanged = false;
        for (size_t r = 0; r < k; ++r) {
            double value = resume ? previous[r] : kInf;
            int first = resume ? previousFirst[r] : 0;
            const double before = valueAscending(j - 1, boundMs - m_remainingMs[r], cursors[r]);
            if (before < value) {
                value = before;
                first = j;
            }
            value += best[r];
            if (value != running[r] || first != runningFirst[r]) {
                running[r] = value;
                runningFirst[r] = first;
                rowChanged = true;
            }
            if (value < candidate.energyMj)
                candidate = {boundMs, value, {Decision::Kind::Group, first, static_cast<int>(r)}};
        }
        // A new piece only where the value really drops, not where sums in another order differ.
        const bool newPiece =
            pieces.empty() ? std::isfinite(candidate.energyMj) : candidate.energyMj < pieces.back().energyMj * (1 - 1e-12);
        if (newPiece) {
            m_prefix[static_cast<size_t>(j)].push_back(candidate);
            newPieceRows.push_back(j);
        }
        ripple = allRows || rowChanged || newPiece;
        ++j;
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
                if (m_thresholdMs[base + static_cast<size_t>(p)] <= endMs + kTimeEpsMs &&
                    m_offloadMj[base + static_cast<size_t>(p)] < energy) {
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

Schedule planOgForBoundsBefore(const CostModel& model, const std::vector<double>& remainingMs)
{
    return *planOgForBoundsWithinBefore(model, remainingMs, std::numeric_limits<long long>::max());
}

std::optional<Schedule> planOgForBoundsWithinBefore(const CostModel& model, const std::vector<double>& remainingMs,
                                                    long long rowLimit, long long* rowsEvaluated)
{
    if (model.subtaskCount() == 0)
        return planLocal(model);
    OgSolver solver(model, remainingMs);
    solver.setRowLimit(rowLimit);
    const bool solved = solver.solve();
    if (rowsEvaluated)
        *rowsEvaluated = solver.rowsEvaluated();
    if (solver.aborted())
        return std::nullopt;
    if (!solved)
        return planIpSsaForBounds(model, remainingMs); // infeasible either way; the simulator says who is late
    return solver.reconstruct();
}

Schedule planOgBefore(const CostModel& model, bool* droppedForBudget)
{
    if (droppedForBudget)
        *droppedForBudget = false;
    // The first plan (worst-case bounds) always runs to the end; the later plans of the bound
    // iteration share a budget of 4 times its rows (at least 2 million), and a plan that would
    // exceed what is left is dropped. With small load limits the sweep can visit far more
    // candidate bounds, and ten unlimited plans cost up to 25 times the iteration before.
    long long firstRows = 0;
    const RoundBounds bounds(model);
    std::optional<Schedule> firstPlan = planOgForBoundsWithinBefore(
        model, bounds.remainingMs(std::vector<int>(static_cast<size_t>(model.subtaskCount()), model.userCount())),
        std::numeric_limits<long long>::max(), &firstRows);
    long long rowsLeft = std::max<long long>(4 * firstRows, 2'000'000);
    return planWithBoundIteration(model, [&](const std::vector<double>& remainingMs) {
        if (firstPlan) { // the iteration asks first for the worst-case bounds: the plan measured above
            Schedule schedule = std::move(*firstPlan);
            firstPlan.reset();
            return schedule;
        }
        if (rowsLeft <= 0) {
            if (droppedForBudget)
                *droppedForBudget = true;
            return Schedule{}; // no partitions: dropped by the iteration
        }
        long long rows = 0;
        std::optional<Schedule> schedule = planOgForBoundsWithinBefore(model, remainingMs, rowsLeft, &rows);
        rowsLeft -= rows;
        if (!schedule && droppedForBudget)
            *droppedForBudget = true;
        return schedule ? std::move(*schedule) : Schedule{};
    });
}

} // namespace coinfer::reference
