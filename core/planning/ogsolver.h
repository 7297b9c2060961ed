#pragma once
// The sweep of OG (optimal grouping) for fixed round bounds: the step functions F_j(B) of
// docs/algorithms.md section 4, their pruning by an energy limit, and the plan they encode.
// Internal to core/planning: og.cpp raises the limit and runs the bound iteration; planner.h
// has the public entry points.

#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/planning/search.h"
#include "core/util/tolerance.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

namespace coinfer::og {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

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

/// One run of OG's recursion for fixed round bounds, by a sweep over the bound B by which the
/// rounds of a deadline-sorted prefix must end.
class OgSolver {
public:
    /// Sorts the users by deadline (ties in scenario order) and tabulates their options for the
    /// round bounds @p remainingMs (R_k, k = 0..N). O(M*N log(M*N)) for the sorted openings.
    /// With @p meter, the set-up and every sweep ask it (its time limit and cancel flag; OG
    /// spends none of its work units) at least every kStopCheckUnits steps, so a stop is seen
    /// within a millisecond or so at any size; they then throw SearchStopped and this solver
    /// holds no usable result.
    OgSolver(const CostModel& model, const std::vector<double>& remainingMs, WorkMeter* meter = nullptr);

    /// Runs one sweep that skips every state whose lower bound exceeds @p energyLimitMj (+inf:
    /// none). Returns F_M(+inf) as computed: exact when it is at most @p energyLimitMj, else an
    /// over-estimate (the energy of some plan of the class, or +inf).
    double solveWithin(double energyLimitMj)
    {
        reset(energyLimitMj);
        sweep();
        return m_aborted ? kInf : value(m_users, kInf);
    }

    /// Sum over users of their cheapest option when each has the GPU to itself at its own
    /// deadline (+inf when some user has none): a lower bound on every plan of the class.
    double aloneLowerBoundMj() const { return m_aloneTotalMj; }

    /// Stops the sweep once it has evaluated this many rows (each O(N)); solveWithin() then
    /// returns +inf and aborted() is true.
    void setRowLimit(long long rows) { m_rowLimit = rows; }
    bool aborted() const { return m_aborted; }
    long long rowsEvaluated() const { return m_rowsEvaluated; }
    static constexpr long long kStopCheckUnits = 200'000;

    /// The plan of the last sweep's F_M(+inf): groups, reservations and partitions, with each
    /// round's batches built by roundBatches. O(M*N log M).
    Schedule reconstruct() const;

private:
    /// Closes for good the options of the user at position @p pos that can never be its strict best.
    void dropUselessOptions(int pos);

    /// What a candidate bound can change in one row: every term (a threshold of the row's user,
    /// a deadline, the row becoming live), or only the lookup F_{j-1}(B - R_k) of one reservation.
    struct RowChange {
        int row;
        int reservation; // kEveryTerm, or k
        bool operator<(const RowChange& other) const { return row < other.row; }
    };
    static constexpr int kEveryTerm = -1;

    void reset(double energyLimitMj);
    /// Moves the window of live rows to bound @p boundMs; names the rows that became live.
    void advanceWindow(double boundMs, std::vector<RowChange>& changes);
    /// D_m(B): how much more user m's cheapest option costs when its round must end by B.
    double clippedExtraMj(int pos) const { return m_currentMj[static_cast<size_t>(pos)] - m_aloneMj[static_cast<size_t>(pos)]; }

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

    /// A reader of F_j at bounds that never decrease. It keeps the value it read and where the
    /// next piece starts, so a lookup that moves no further (most of them) reads only this, which
    /// lies beside the row's other state, and not F_j's pieces, which are scattered in memory.
    struct Cursor {
        double nextBoundMs = kInf; // where piece index + 1 starts (+inf: none yet)
        double valueMj = kInf;     // F_j on piece index (+inf before the first)
        int index = -1;
    };

    // F_j(x) for an x that never decreases between calls with the same cursor: the sweep's bound
    // only grows, so each cursor walks F_j's pieces once instead of a binary search per call.
    double valueAscending(int prefix, double boundMs, Cursor& cursor) const
    {
        if (cursor.nextBoundMs > boundMs + kTimeEpsMs)
            return cursor.valueMj;
        const auto& pieces = m_prefix[static_cast<size_t>(prefix)];
        const int size = static_cast<int>(pieces.size());
        do
            ++cursor.index;
        while (cursor.index + 1 < size && pieces[static_cast<size_t>(cursor.index + 1)].boundMs <= boundMs + kTimeEpsMs);
        cursor.valueMj = pieces[static_cast<size_t>(cursor.index)].energyMj;
        cursor.nextBoundMs = cursor.index + 1 < size ? pieces[static_cast<size_t>(cursor.index + 1)].boundMs : kInf;
        return cursor.valueMj;
    }
    /// Appends a piece to F_j and tells the cursors that read F_j (row j + 1's) where it starts.
    void addPiece(int prefix, const Piece& piece);

    /// Clears the per-row state of the sweep (running minima, cursors, cached options).
    void resetRows();
    void sweep();
    /// Evaluates F_j(B) on the rows that can have changed (sorted by row); lists the rows that
    /// gained a piece.
    void evaluateAt(double boundMs, int pushedFrom, const std::vector<RowChange>& changes, std::vector<int>& newPieceRows);
    /// Recomputes row j at B: every term when @p everyTerm; else every reservation when
    /// @p allReservations, or only those in m_dirty, and the local option when @p localDirty.
    /// Leaves in m_rippleNext[0..m_rippleCount) the reservations whose running minimum changed.
    /// Returns whether F_j gained a piece.
    bool evaluateRow(int j, double boundMs, int pushedFrom, bool everyTerm, bool allReservations, bool localDirty);

    const CostModel& m_model;
    int m_users, m_subtasks;
    std::vector<double> m_remainingMs; // R_k for k = 0..N-1
    std::vector<int> m_order;          // user index at each deadline-sorted position
    std::vector<double> m_deadlineMs, m_localMj, m_thresholdMs, m_offloadMj;
    std::vector<std::vector<Piece>> m_prefix; // F_j for j = 0..M
    std::vector<double> m_bestBuffer;         // best options at the current B, per position and k
    std::vector<double> m_running;            // per (j, k): the running minimum X_j(k) of evaluateRow
    std::vector<int> m_runningFirst;          // per (j, k): the group start that achieves it
    std::vector<Cursor> m_groupCursor;        // per (j, k): cursor into F_{j-1} for B - R_k
    std::vector<Cursor> m_localCursor;        // per j: cursor into F_{j-1} for B
    std::vector<double> m_lastMj;             // per j: F_j's last piece's energy (+inf: none)
    std::vector<char> m_rowSeen;              // per j: evaluated in full once in this sweep (m_bestBuffer valid)
    std::vector<int> m_dirty, m_rippleNext;   // reservations to recompute in this row and the next
    size_t m_rippleCount = 0;
    std::vector<int> m_allReservations;     // 0..N-1
    std::vector<int> m_instantReservations; // k with R_k within the time slack: F_{j-1}(B - R_k) sees B's new piece
    long long m_rowsEvaluated = 0;
    long long m_rowLimit = std::numeric_limits<long long>::max();
    bool m_aborted = false;
    WorkMeter* m_meter = nullptr;    // asked to stop the sweep (null: never stopped)
    long long m_unitsSinceCheck = 0; // sweep work since the meter was last asked

    /// Counts @p rows evaluated (each O(N)) and one candidate; asks the meter when enough work
    /// has passed. Throws SearchStopped.
    void checkStop(long long rows)
    {
        m_unitsSinceCheck += rows * (m_subtasks + 1) + 1;
        if (m_meter && m_unitsSinceCheck >= kStopCheckUnits) {
            m_unitsSinceCheck = 0;
            m_meter->checkpoint();
        }
    }

    // Pruning (docs/algorithms.md section 4, "Pruning by a lower bound"): row j is live at B when
    // sum_{m <= j} cheapest option of m with its round ending by min(T_m, B), plus the alone
    // bound of every later user, is at most the energy limit. Live rows form a prefix 1..m_liveRows
    // that only grows with B; dead rows are never evaluated.
    std::vector<double> m_aloneMj;                  // per position: cheapest option at its own deadline
    std::vector<double> m_currentMj;                // per position: cheapest option open at the current B
    std::vector<std::pair<double, int>> m_openings; // (threshold, position * N + p), ascending
    double m_aloneTotalMj = 0;
    long double m_slackMj = 0;       // energy limit minus the alone bound of everyone
    long double m_windowExtraMj = 0; // sum of finite D_m over live rows with T_m >= B
    int m_windowInfinite = 0;        // live rows with T_m >= B whose D_m is +inf
    size_t m_nextOpening = 0;
    int m_windowFrom = 0; // positions before it have T < B (D_m = 0)
    int m_liveRows = 0;   // rows 1..m_liveRows are live
    bool m_pruning = false;
};

} // namespace coinfer::og
