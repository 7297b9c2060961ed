// OG's sweep (ogsolver.h): the candidate bounds, the rows they change, the live window of the
// pruning and the reconstruction of the plan. docs/algorithms.md section 4 has the recursion and
// its proof sketch; the comments here only say why the code is shaped as it is.

#include "core/planning/ogsolver.h"

#include "core/planning/roundbounds.h"
#include "core/util/tolerance.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <queue>
#include <unordered_set>

namespace coinfer::og {

OgSolver::OgSolver(const CostModel& model, const std::vector<double>& remainingMs, WorkMeter* meter)
    : m_model(model)
    , m_users(model.userCount())
    , m_subtasks(model.subtaskCount())
    , m_remainingMs(remainingMs.begin(), remainingMs.begin() + m_subtasks)
    , m_meter(meter)
{
    m_order.resize(static_cast<size_t>(m_users));
    std::iota(m_order.begin(), m_order.end(), 0);
    std::stable_sort(m_order.begin(), m_order.end(), [&](int a, int b) { return model.deadlineMs(a) < model.deadlineMs(b); });
    for (int pos = 0; pos < m_users; ++pos) {
        checkStop(m_subtasks);
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
    for (int pos = 0; pos < m_users; ++pos) {
        checkStop(m_subtasks);
        double alone = m_localMj[static_cast<size_t>(pos)];
        for (int p = 0; p < m_subtasks; ++p) {
            const size_t cell = static_cast<size_t>(pos) * static_cast<size_t>(m_subtasks) + static_cast<size_t>(p);
            if (std::isfinite(m_thresholdMs[cell])) {
                alone = std::min(alone, m_offloadMj[cell]);
                m_openings.emplace_back(m_thresholdMs[cell], static_cast<int>(cell));
            }
        }
        m_aloneMj.push_back(alone);
        m_aloneTotalMj += alone;
    }
    std::sort(m_openings.begin(), m_openings.end());
}

// An option that can never be a member's strict best changes nothing where it opens, so it
// is closed for good and its threshold is not a candidate: one past the user's deadline
// (no round of its group ends later), or one that a later partition or local computing
// matches in energy while opening no later (allowed for every reservation p is allowed for).
void OgSolver::dropUselessOptions(int pos)
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

void OgSolver::reset(double energyLimitMj)
{
    m_prefix.assign(static_cast<size_t>(m_users + 1), {});
    m_prefix[0].push_back({-kInf, 0.0, {}});
    m_pruning = std::isfinite(energyLimitMj) && std::isfinite(m_aloneTotalMj);
    m_slackMj =
        m_pruning ? static_cast<long double>(energyLimitMj) - m_aloneTotalMj + 1e-9L * std::max(1.0, std::abs(energyLimitMj)) : 0;
    m_currentMj = m_localMj;
    m_windowExtraMj = 0;
    m_windowInfinite = 0;
    m_nextOpening = 0;
    m_windowFrom = 0;
    m_liveRows = m_pruning ? 0 : m_users;
}

void OgSolver::advanceWindow(double boundMs, std::vector<RowChange>& changes)
{
    if (!m_pruning)
        return;
    auto addExtra = [&](double extra, int sign) {
        if (std::isinf(extra))
            m_windowInfinite += sign;
        else
            m_windowExtraMj += sign * static_cast<long double>(extra);
    };
    // Options that open by B (with the sweep's slack, as bestOptions opens them).
    while (m_nextOpening < m_openings.size() && m_openings[m_nextOpening].first <= boundMs + kTimeEpsMs) {
        const int cell = m_openings[m_nextOpening++].second;
        const int pos = cell / m_subtasks;
        const double energy = m_offloadMj[static_cast<size_t>(cell)];
        double& current = m_currentMj[static_cast<size_t>(pos)];
        if (energy >= current)
            continue;
        const bool inWindow = pos >= m_windowFrom && pos < m_liveRows;
        if (inWindow)
            addExtra(clippedExtraMj(pos), -1);
        current = energy;
        if (inWindow)
            addExtra(clippedExtraMj(pos), +1);
    }
    // Users with T < B: their rounds end by T whatever B is, so they no longer add to the bound.
    while (m_windowFrom < m_users && m_deadlineMs[static_cast<size_t>(m_windowFrom)] < boundMs) {
        if (m_windowFrom < m_liveRows)
            addExtra(clippedExtraMj(m_windowFrom), -1);
        ++m_windowFrom;
    }
    if (m_liveRows < m_windowFrom) {
        // Rows that were dead up to their deadline: dead for every B (their states' bound only
        // falls to the alone bound at B >= T_j, which we never reach here without passing T_j).
        m_liveRows = m_windowFrom;
    }
    while (m_liveRows < m_users) {
        const double extra = clippedExtraMj(m_liveRows);
        const bool infinite = std::isinf(extra) || m_windowInfinite > 0;
        if (infinite || m_windowExtraMj + extra > m_slackMj)
            break;
        m_windowExtraMj += extra;
        ++m_liveRows;
        changes.push_back({m_liveRows, kEveryTerm}); // row j = position + 1, evaluated for the first time
    }
}

void OgSolver::resetRows()
{
    const size_t cells = static_cast<size_t>(m_users) * static_cast<size_t>(m_subtasks);
    m_bestBuffer.assign(cells, kInf);
    m_running.assign(cells, kInf);
    m_runningFirst.assign(cells, 0);
    // Every F_j starts empty but F_0, whose one piece starts at -inf.
    m_groupCursor.assign(cells, Cursor{});
    m_localCursor.assign(static_cast<size_t>(m_users), Cursor{});
    if (m_users > 0) {
        m_localCursor[0].nextBoundMs = -kInf;
        for (size_t r = 0; r < static_cast<size_t>(m_subtasks); ++r)
            m_groupCursor[r].nextBoundMs = -kInf;
    }
    m_lastMj.assign(static_cast<size_t>(m_users) + 1, kInf);
    m_lastMj[0] = 0.0;
    m_rowSeen.assign(static_cast<size_t>(m_users) + 1, 0);
    m_allReservations.resize(static_cast<size_t>(m_subtasks));
    std::iota(m_allReservations.begin(), m_allReservations.end(), 0);
    m_dirty.reserve(4 * static_cast<size_t>(m_subtasks));
    m_rippleNext.assign(static_cast<size_t>(m_subtasks), 0);
    m_instantReservations.clear();
    for (int r = 0; r < m_subtasks; ++r)
        if (m_remainingMs[static_cast<size_t>(r)] <= kTimeEpsMs)
            m_instantReservations.push_back(r);
}

void OgSolver::sweep()
{
    // Candidate bounds: every point where some F_j can step. They start as the deadlines and the
    // thresholds A_m(p) + R_p, and every breakpoint b of F_j adds b + R_k (a round of reservation
    // k that must end by b pushes the rounds before it to end by b - R_k). Each candidate names
    // the rows it can change, and in them the terms: a pushed bound b + R_k changes only the
    // lookups of reservation k. Rows and terms not named keep their cached state unless a change
    // ripples to them.
    struct Candidate {
        double boundMs;
        int row;         // a row (prefix length) it changes, or -1
        int rowList;     // else an index into rowLists: the rows of one breakpoint
        int reservation; // the one reservation whose lookups it changes, or kEveryTerm
        bool operator>(const Candidate& other) const { return boundMs > other.boundMs; }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> candidates;
    std::vector<std::vector<int>> rowLists;
    candidates.push({-kInf, 1, -1, kEveryTerm});
    for (int pos = 0; pos < m_users; ++pos) {
        checkStop(m_subtasks);
        candidates.push({m_deadlineMs[static_cast<size_t>(pos)], pos + 1, -1, kEveryTerm});
        for (int p = 0; p < m_subtasks; ++p) {
            const double threshold =
                m_thresholdMs[static_cast<size_t>(pos) * static_cast<size_t>(m_subtasks) + static_cast<size_t>(p)];
            if (std::isfinite(threshold))
                candidates.push({threshold, pos + 1, -1, kEveryTerm});
        }
    }
    const double lastDeadline = m_users > 0 ? m_deadlineMs.back() : 0.0;
    std::unordered_set<double> expanded;
    resetRows();
    if (m_meter) // the set-up above is O(M*N log(M*N)): a stop during it is seen here
        m_meter->checkpoint();

    int pushedFrom = 0; // positions before it have T < B: their groups no longer follow B
    std::vector<RowChange> changes;
    changes.reserve(static_cast<size_t>(m_users) + 2);
    std::vector<int> newPieceRows;
    while (!candidates.empty()) {
        const double boundMs = candidates.top().boundMs;
        if (boundMs > lastDeadline)
            break;
        changes.clear();
        while (!candidates.empty() && candidates.top().boundMs == boundMs) {
            const Candidate& top = candidates.top();
            if (top.row >= 0)
                changes.push_back({top.row, top.reservation});
            else
                for (int row : rowLists[static_cast<size_t>(top.rowList)])
                    changes.push_back({row, top.reservation});
            candidates.pop();
        }
        const int before = pushedFrom;
        while (pushedFrom < m_users && m_deadlineMs[static_cast<size_t>(pushedFrom)] < boundMs)
            ++pushedFrom;
        if (pushedFrom != before) // the first group start that follows B moved: its row restarts
            changes.push_back({pushedFrom + 1, kEveryTerm});
        advanceWindow(boundMs, changes);
        if (!std::is_sorted(changes.begin(), changes.end())) // one candidate's rows come sorted
            std::sort(changes.begin(), changes.end());
        const long long rowsBefore = m_rowsEvaluated;
        evaluateAt(boundMs, pushedFrom, changes, newPieceRows);
        checkStop(m_rowsEvaluated - rowsBefore);
        if (m_rowsEvaluated > m_rowLimit) {
            m_aborted = true;
            return;
        }
        if (!newPieceRows.empty() && std::isfinite(boundMs) && expanded.insert(boundMs).second) {
            for (int& row : newPieceRows)
                ++row; // F_j's new piece changes the groups that start at j + 1
            rowLists.push_back(newPieceRows);
            for (int r = 0; r < m_subtasks; ++r) {
                const double remaining = m_remainingMs[static_cast<size_t>(r)];
                if (remaining > 0 && boundMs + remaining <= lastDeadline)
                    candidates.push({boundMs + remaining, -1, static_cast<int>(rowLists.size() - 1), r});
            }
        }
    }
}

void OgSolver::evaluateAt(double boundMs, int pushedFrom, const std::vector<RowChange>& changes, std::vector<int>& newPieceRows)
{
    newPieceRows.clear();
    // A row is recomputed when a candidate names it or a change ripples from the row before:
    // row j + 1 resumes from row j's running minima, so the reservations whose running minimum
    // changed in row j (and, after a new piece of F_j at B, the local option and the reservations
    // whose lookup B - R_k sees it) are the ones to recompute there. The rest of a row is as it
    // was at the previous candidate.
    size_t next = 0;
    int j = 0;
    bool ripple = false, localDirty = false, allReservations = false;
    for (;;) {
        while (next < changes.size() && changes[next].row <= pushedFrom)
            ++next;
        if (!ripple) {
            if (next == changes.size())
                break;
            j = changes[next].row;
            localDirty = allReservations = false;
        }
        if (j > m_liveRows)
            break;
        // A reservation listed twice is recomputed twice, the second time without effect: cheaper
        // than keeping the list free of repeats.
        bool everyTerm = !m_rowSeen[static_cast<size_t>(j)];
        for (; next < changes.size() && changes[next].row == j; ++next) {
            if (changes[next].reservation == kEveryTerm)
                everyTerm = true;
            else if (!allReservations)
                m_dirty.push_back(changes[next].reservation);
        }
        ++m_rowsEvaluated;
        const bool newPiece = evaluateRow(j, boundMs, pushedFrom, everyTerm, allReservations, localDirty);
        // Where every running minimum changed (a restart ripples so) the next row recomputes
        // them all without a list.
        allReservations = m_rippleCount == m_allReservations.size();
        m_dirty.assign(m_rippleNext.begin(),
                       m_rippleNext.begin() + static_cast<std::ptrdiff_t>(allReservations ? 0 : m_rippleCount));
        if (newPiece) {
            newPieceRows.push_back(j);
            if (!allReservations)
                m_dirty.insert(m_dirty.end(), m_instantReservations.begin(), m_instantReservations.end());
        }
        localDirty = newPiece;
        ripple = newPiece || allReservations || !m_dirty.empty();
        ++j;
    }
    m_dirty.clear();
}

bool OgSolver::evaluateRow(int j, double boundMs, int pushedFrom, bool everyTerm, bool allReservations, bool localDirty)
{
    const size_t k = static_cast<size_t>(m_subtasks);
    double* best = &m_bestBuffer[static_cast<size_t>(j - 1) * k];
    if (everyTerm) {
        // The user's options change only at its thresholds, which name its row: cached otherwise.
        bestOptions(j - 1, boundMs, best);
        m_rowSeen[static_cast<size_t>(j)] = 1;
    }
    // Start from F_j's last piece: F_j never rises with B, and the groups that start at a user
    // with T_i < B end at T_i for every larger B, so their values are already in it. It is also
    // at most every running minimum not recomputed here (each was compared with it before).
    const double lastMj = m_lastMj[static_cast<size_t>(j)];
    Piece candidate{boundMs, lastMj, {}}; // its decision is set wherever its energy drops
    const double local = m_localMj[static_cast<size_t>(j - 1)];
    if ((everyTerm || localDirty) && std::isfinite(local)) {
        const double energy = local + valueAscending(j - 1, boundMs, m_localCursor[static_cast<size_t>(j - 1)]);
        if (energy < candidate.energyMj)
            candidate = {boundMs, energy, {Decision::Kind::Local, j, 0}};
    }
    // running[k] at row j: min over group starts i in (pushedFrom, j] of F_{i-1}(B - R_k) + the
    // sum of members i..j's best options; the groups that start after pushedFrom all end at B.
    const bool resume = j - 1 > pushedFrom;
    const double* previous = resume ? &m_running[static_cast<size_t>(j - 2) * k] : nullptr;
    const int* previousFirst = resume ? &m_runningFirst[static_cast<size_t>(j - 2) * k] : nullptr;
    double* running = &m_running[static_cast<size_t>(j - 1) * k];
    int* runningFirst = &m_runningFirst[static_cast<size_t>(j - 1) * k];
    Cursor* cursors = &m_groupCursor[static_cast<size_t>(j - 1) * k];
    const bool all = everyTerm || allReservations;
    const int* list = all ? m_allReservations.data() : m_dirty.data();
    const size_t count = all ? k : m_dirty.size();
    // m_dirty may list a reservation twice (its second update changes nothing): size for the list.
    if (m_rippleNext.size() < count)
        m_rippleNext.resize(count);
    int* changed = m_rippleNext.data();
    size_t changedCount = 0;
    for (size_t i = 0; i < count; ++i) {
        const int reservation = list[i];
        const size_t r = static_cast<size_t>(reservation);
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
            changed[changedCount++] = reservation;
        }
        if (value < candidate.energyMj)
            candidate = {boundMs, value, {Decision::Kind::Group, first, reservation}};
    }
    m_rippleCount = changedCount;
    // A new piece only where the value really drops, not where sums in another order differ.
    const bool newPiece = std::isinf(lastMj) ? std::isfinite(candidate.energyMj) : candidate.energyMj < lastMj * (1 - 1e-12);
    if (newPiece)
        addPiece(j, candidate);
    return newPiece;
}

void OgSolver::addPiece(int prefix, const Piece& piece)
{
    m_prefix[static_cast<size_t>(prefix)].push_back(piece);
    m_lastMj[static_cast<size_t>(prefix)] = piece.energyMj;
    if (prefix >= m_users)
        return;
    // A cursor with no next piece was on the last one: the new piece is its next.
    const size_t k = static_cast<size_t>(m_subtasks);
    Cursor* cursors = &m_groupCursor[static_cast<size_t>(prefix) * k];
    for (size_t r = 0; r < k; ++r)
        if (cursors[r].nextBoundMs == kInf)
            cursors[r].nextBoundMs = piece.boundMs;
    Cursor& local = m_localCursor[static_cast<size_t>(prefix)];
    if (local.nextBoundMs == kInf)
        local.nextBoundMs = piece.boundMs;
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

} // namespace coinfer::og
