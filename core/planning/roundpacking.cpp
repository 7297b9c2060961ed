#include "core/planning/roundpacking.h"

#include "core/planning/roundbounds.h"
#include "core/planning/roundbuilder.h"
#include "core/planning/splitround.h"

#include <algorithm>
#include <limits>
#include <map>

namespace coinfer {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
/// Members of a round tried as the one to send back to local computing for a newcomer: the
/// cheapest to send back, and the one whose late data hold the round's start (tried besides).
/// A few keep a swap trial at O(R*N) per round; trying every member would cost O(G) times that.
constexpr int kVictimsPerRound = 4;
/// Users tried in turn for a split round before the split pass moves on to the next round: the
/// pass then costs little on full rounds, where every user fails.
constexpr int kSplitFailuresPerRound = 8;

/// What decides a round's timing: per sub-task n (index 1..N) how many members need it and the
/// latest arrival of the members whose data arrive for it; the earliest deadline; its GPU time.
struct Shape {
    std::vector<int> load;
    std::vector<double> readyMs;
    double deadlineMs = kInf;
    double gpuMs = 0;
};

/// Rounds in a fixed order on the one GPU, each timed from its Shape (or its RoundSplit).
class Packer {
public:
    Packer(const CostModel& model, WorkMeter& meter, long long workUntil)
        : m_model(model), m_meter(meter), m_workUntil(workUntil), m_subtasks(model.subtaskCount())
    {
        for (int m = 0; m < model.userCount(); ++m)
            m_options.push_back(model.aloneOptionsCheapestFirst(m));
    }

    /// Takes the rounds of @p groups (smaller first) for @p partitions; false when they do not
    /// hold under this timing or a local user misses its deadline. O(M*N).
    bool load(const std::vector<int>& partitions, const std::vector<int>& groups)
    {
        for (size_t m = 0; m < partitions.size(); ++m)
            if (partitions[m] >= m_subtasks && !m_model.feasibleAlone(static_cast<int>(m), m_subtasks))
                return false;
        m_partitions = partitions;
        m_roundOf.assign(partitions.size(), -1);
        std::map<int, std::vector<int>> byGroup;
        for (size_t m = 0; m < partitions.size(); ++m)
            if (partitions[m] < m_subtasks)
                byGroup[groups.size() == partitions.size() ? groups[m] : 0].push_back(static_cast<int>(m));
        m_members.clear();
        m_shapes.clear();
        m_splits.clear();
        for (auto& [group, members] : byGroup) {
            for (int m : members)
                m_roundOf[static_cast<size_t>(m)] = static_cast<int>(m_members.size());
            m_shapes.push_back(shapeOf(members));
            m_splits.emplace_back();
            m_members.push_back(std::move(members));
        }
        retimeAll();
        for (size_t r = 0; r < m_shapes.size(); ++r)
            if (!meetsDeadline(m_ends[r], m_shapes[r].deadlineMs))
                return false;
        return true;
    }

    /// Every user local where local computing meets its deadline; the others placed one by one
    /// at their cheapest option that fits. False when one of them fits nowhere.
    bool loadFromScratch()
    {
        m_partitions.assign(static_cast<size_t>(m_model.userCount()), m_subtasks);
        m_roundOf.assign(m_partitions.size(), -1);
        m_members.clear();
        m_shapes.clear();
        m_splits.clear();
        m_ends.clear();
        for (int m = 0; m < m_model.userCount(); ++m) {
            if (m_model.feasibleAlone(m, m_subtasks))
                continue;
            bool placed = false;
            for (int p : m_options[static_cast<size_t>(m)])
                if (p < m_subtasks && (placed = insertBest(m, p)))
                    break;
            if (!placed)
                return false;
        }
        return true;
    }

    /// One pass over the users with a cheaper option; true when the energy dropped.
    bool pass()
    {
        bool improved = false;
        for (int m : candidates()) {
            if (!withinLimit())
                break;
            improved = improveUser(m) || improved;
        }
        return improved;
    }

    bool withinLimit() const { return m_meter.used() < m_workUntil; }
    const std::vector<int>& partitions() const { return m_partitions; }

    /// The rounds as groups for roundSchedule (round index per member, -1 for local users).
    std::vector<int> groups() const
    {
        std::vector<int> groups(m_partitions.size(), -1);
        for (size_t r = 0; r < m_members.size(); ++r)
            for (int m : m_members[r])
                groups[static_cast<size_t>(m)] = static_cast<int>(r);
        return groups;
    }

    /// Moves members to the latest later round that still ends in time, from the last rounds
    /// back: the energy stays, but GPU time frees up early, where the tight deadlines are, for
    /// the passes that follow. Runs before any round is split. True when a member moved.
    /// O(G*R^2*N) for G offloading users.
    bool shiftPass()
    {
        bool moved = false;
        for (size_t r = m_members.size(); r-- > 1;) {
            const size_t from = r - 1;
            std::vector<int> members = m_members[from];
            std::stable_sort(members.begin(), members.end(),
                             [&](int a, int b) { return m_model.deadlineMs(a) > m_model.deadlineMs(b); });
            for (int v : members) {
                // A round is never emptied here, so that the round indices stay put.
                if (m_members[from].size() <= 1 || !withinLimit())
                    break;
                for (size_t to = m_members.size() - 1; to > from; --to)
                    if (moveLater(v, from, to)) {
                        moved = true;
                        break;
                    }
            }
        }
        return moved;
    }

    /// Tries each round with a split (RoundSplit): users that fit no round as it runs may fit one
    /// whose early members start before the late ones arrive. Runs after the passes, which time
    /// a round as unsplit. True when the energy dropped.
    bool splitPass()
    {
        bool improved = false;
        for (size_t r = 0; r < m_members.size(); ++r) {
            int failures = 0;
            for (int m : candidates()) {
                if (failures >= kSplitFailuresPerRound || !withinLimit())
                    break;
                if (m_roundOf[static_cast<size_t>(m)] >= 0)
                    continue;
                const bool placed = splitPlace(r, m);
                failures = placed ? 0 : failures + 1;
                improved = placed || improved;
            }
        }
        return improved;
    }

    /// The batches of every round in order (roundBatches; a split round's A and B batches up to
    /// its merge, then its batches after it). O(M log M + M*N).
    Schedule schedule() const
    {
        Schedule schedule{m_partitions, groups(), {}};
        for (size_t r = 0; r < m_members.size(); ++r)
            for (BatchSpec& batch : splitRoundBatches(m_model, m_members[r], m_partitions, m_splits[r]))
                schedule.batches.push_back(std::move(batch));
        return schedule;
    }

private:
    double energy(int m, int p) const { return m_model.energyMj(m, p); }
    int partitionOf(int m) const { return m_partitions[static_cast<size_t>(m)]; }

    /// GPU time of @p members of sub-task n: full batches of B_max, then the rest (roundBatches).
    double chunkedMs(int subtask, int members) const { return chunkedEdgeMs(m_model, subtask, members); }

    void refreshGpu(Shape& shape) const
    {
        shape.gpuMs = 0;
        for (int n = 1; n <= m_subtasks; ++n)
            if (shape.load[static_cast<size_t>(n)] > 0)
                shape.gpuMs += chunkedMs(n, shape.load[static_cast<size_t>(n)]);
    }

    void add(Shape& shape, int m, int p) const
    {
        for (int n = p + 1; n <= m_subtasks; ++n)
            ++shape.load[static_cast<size_t>(n)];
        double& ready = shape.readyMs[static_cast<size_t>(p + 1)];
        ready = std::max(ready, m_model.arrivalMs(m, p));
        shape.deadlineMs = std::min(shape.deadlineMs, m_model.deadlineMs(m));
        refreshGpu(shape);
    }

    Shape shapeOf(const std::vector<int>& members) const
    {
        Shape shape{std::vector<int>(static_cast<size_t>(m_subtasks + 1), 0),
                    std::vector<double>(static_cast<size_t>(m_subtasks + 2), -kInf), kInf, 0};
        for (int m : members)
            add(shape, m, partitionOf(m));
        return shape;
    }

    /// @p shape without member @p gone of round @p round: O(N) unless @p gone set the round's
    /// readiness or deadline, then O(members).
    Shape without(size_t round, int gone) const
    {
        Shape shape = m_shapes[round];
        const int p = partitionOf(gone);
        for (int n = p + 1; n <= m_subtasks; ++n)
            --shape.load[static_cast<size_t>(n)];
        double& ready = shape.readyMs[static_cast<size_t>(p + 1)];
        const bool readyFromGone = ready == m_model.arrivalMs(gone, p);
        const bool deadlineFromGone = shape.deadlineMs == m_model.deadlineMs(gone);
        if (readyFromGone)
            ready = -kInf;
        if (deadlineFromGone)
            shape.deadlineMs = kInf;
        if (readyFromGone || deadlineFromGone)
            for (int m : m_members[round]) {
                if (m == gone)
                    continue;
                if (readyFromGone && partitionOf(m) == p)
                    ready = std::max(ready, m_model.arrivalMs(m, p));
                if (deadlineFromGone)
                    shape.deadlineMs = std::min(shape.deadlineMs, m_model.deadlineMs(m));
            }
        refreshGpu(shape);
        return shape;
    }

    double endOf(const Shape& shape, double previousEndMs) const
    {
        double t = previousEndMs;
        for (int n = 1; n <= m_subtasks; ++n)
            if (shape.load[static_cast<size_t>(n)] > 0)
                t = std::max(t, shape.readyMs[static_cast<size_t>(n)]) + chunkedMs(n, shape.load[static_cast<size_t>(n)]);
        return t;
    }

    double previousEnd(size_t round) const { return round == 0 ? m_model.edgeFreeAtMs() : m_ends[round - 1]; }

    void retimeAll()
    {
        m_ends.assign(m_shapes.size(), 0.0);
        for (size_t r = 0; r < m_shapes.size(); ++r)
            m_ends[r] = roundEnd(r, previousEnd(r));
        m_meter.spend(static_cast<long long>(m_shapes.size()) * (m_subtasks + 1));
    }

    /// How far the round ends move in all when round @p index becomes @p shape (or, with
    /// @p insert, when @p shape runs just before it); +inf when a round would end late. The
    /// rounds after it are re-timed only while their start moves. O(R*N).
    double trial(size_t index, const Shape& shape, bool insert)
    {
        long long visited = 1;
        double end = endOf(shape, previousEnd(index));
        double moved = insert ? end - previousEnd(index) : end - m_ends[index];
        bool late = !meetsDeadline(end, shape.deadlineMs);
        for (size_t k = insert ? index : index + 1; !late && k < m_shapes.size(); ++k) {
            if (end <= previousEnd(k))
                break;
            const double next = roundEnd(k, end);
            ++visited;
            late = !meetsDeadline(next, m_shapes[k].deadlineMs);
            moved += next - m_ends[k];
            end = next;
        }
        m_meter.spend(visited * (m_subtasks + 1));
        return late ? kInf : moved;
    }

    void remove(size_t round, int m)
    {
        m_shapes[round] = without(round, m);
        std::erase(m_members[round], m);
        m_roundOf[static_cast<size_t>(m)] = -1;
        m_partitions[static_cast<size_t>(m)] = m_subtasks;
        if (m_members[round].empty()) {
            m_members.erase(m_members.begin() + static_cast<std::ptrdiff_t>(round));
            m_shapes.erase(m_shapes.begin() + static_cast<std::ptrdiff_t>(round));
            m_splits.erase(m_splits.begin() + static_cast<std::ptrdiff_t>(round));
            renumber();
        }
        retimeAll();
    }

    void renumber()
    {
        for (size_t r = 0; r < m_members.size(); ++r)
            for (int m : m_members[r])
                m_roundOf[static_cast<size_t>(m)] = static_cast<int>(r);
    }

    /// Puts local user @p m at option @p p into the round, or a new round, that adds the least
    /// GPU time (ties: the least movement of the round ends); false when none holds.
    bool insertBest(int m, int p)
    {
        size_t bestIndex = 0;
        bool bestInsert = false;
        double bestGpu = kInf, bestMoved = kInf;
        auto offer = [&](size_t index, bool insert, double gpu, double moved) {
            if (moved == kInf)
                return;
            if (gpu < bestGpu - 1e-9 || (gpu <= bestGpu + 1e-9 && moved < bestMoved - 1e-9)) {
                bestIndex = index, bestInsert = insert, bestGpu = gpu, bestMoved = moved;
            }
        };
        for (size_t r = 0; r < m_shapes.size(); ++r) {
            Shape shape = m_shapes[r];
            add(shape, m, p);
            offer(r, false, shape.gpuMs - m_shapes[r].gpuMs, trial(r, shape, false));
        }
        Shape alone = shapeOf({});
        add(alone, m, p);
        for (size_t r = 0; r <= m_shapes.size(); ++r)
            offer(r, true, alone.gpuMs, trial(r, alone, true));
        if (bestGpu == kInf)
            return false;
        m_partitions[static_cast<size_t>(m)] = p;
        if (bestInsert) {
            m_members.insert(m_members.begin() + static_cast<std::ptrdiff_t>(bestIndex), std::vector<int>{m});
            m_shapes.insert(m_shapes.begin() + static_cast<std::ptrdiff_t>(bestIndex), alone);
            m_splits.insert(m_splits.begin() + static_cast<std::ptrdiff_t>(bestIndex), RoundSplit{});
        } else {
            m_members[bestIndex].push_back(m);
            add(m_shapes[bestIndex], m, p);
        }
        renumber();
        retimeAll();
        return true;
    }

    /// Local user @p m at option @p p takes the place of a member of some round who costs less
    /// to send back to local computing; the swap that saves most is made. O(R*V*(R*N + G)).
    bool swapIn(int m, int p)
    {
        const double saving = energy(m, m_subtasks) - energy(m, p);
        double bestNet = 1e-9;
        size_t bestRound = 0;
        int bestVictim = -1;
        for (size_t r = 0; r < m_members.size(); ++r) {
            for (int victim : victims(r, saving)) {
                const double net = saving - (energy(victim, m_subtasks) - energy(victim, partitionOf(victim)));
                if (net <= bestNet)
                    continue;
                Shape shape = without(r, victim);
                add(shape, m, p);
                if (trial(r, shape, false) < kInf)
                    bestNet = net, bestRound = r, bestVictim = victim;
            }
        }
        if (bestVictim < 0)
            return false;
        m_partitions[static_cast<size_t>(m)] = p;
        m_members[bestRound].push_back(m);
        m_roundOf[static_cast<size_t>(m)] = static_cast<int>(bestRound);
        m_shapes[bestRound] = shapeOf(m_members[bestRound]);
        remove(bestRound, bestVictim);
        return true;
    }

    /// Members of round @p r that could compute locally and cost less than @p saving to send
    /// there: the kVictimsPerRound cheapest and the one with the latest data.
    std::vector<int> victims(size_t r, double saving) const
    {
        std::vector<std::pair<double, int>> costs;
        int latest = -1;
        for (int v : m_members[r]) {
            if (!m_model.feasibleAlone(v, m_subtasks))
                continue;
            const double cost = energy(v, m_subtasks) - energy(v, partitionOf(v));
            if (cost >= saving)
                continue;
            costs.emplace_back(cost, v);
            if (latest < 0 || m_model.arrivalMs(v, partitionOf(v)) > m_model.arrivalMs(latest, partitionOf(latest)))
                latest = v;
        }
        const size_t keep = std::min(costs.size(), static_cast<size_t>(kVictimsPerRound));
        std::partial_sort(costs.begin(), costs.begin() + static_cast<std::ptrdiff_t>(keep), costs.end());
        std::vector<int> chosen;
        for (size_t i = 0; i < keep; ++i)
            chosen.push_back(costs[i].second);
        if (latest >= 0 && std::find(chosen.begin(), chosen.end(), latest) == chosen.end())
            chosen.push_back(latest);
        return chosen;
    }

    /// Users with a cheaper option than their own, the most energy saved per GPU-ms of a member
    /// of a full batch first (moving to local computing first of all: it frees GPU time).
    std::vector<int> candidates() const
    {
        std::vector<std::pair<double, int>> keyed;
        for (int m = 0; m < m_model.userCount(); ++m) {
            const std::vector<int>& options = m_options[static_cast<size_t>(m)];
            if (options.empty() || energy(m, options.front()) >= energy(m, partitionOf(m)) - 1e-12)
                continue;
            double shareMs = 0;
            for (int n = options.front() + 1; n <= m_subtasks; ++n)
                shareMs += m_model.edgeMs(n, m_model.maxBatch()) / m_model.maxBatch();
            const double saving = energy(m, partitionOf(m)) - energy(m, options.front());
            keyed.emplace_back(shareMs > 0 ? saving / shareMs : kInf, m);
        }
        std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        std::vector<int> order;
        for (const auto& entry : keyed)
            order.push_back(entry.second);
        return order;
    }

    /// Moves user @p m to its cheapest option that fits. An offloading user changes its option
    /// within its own round only (or goes local).
    bool improveUser(int m)
    {
        const int current = partitionOf(m);
        const int round = m_roundOf[static_cast<size_t>(m)];
        for (int p : m_options[static_cast<size_t>(m)]) {
            if (energy(m, p) >= energy(m, current) - 1e-12 || !withinLimit())
                break;
            if (p == m_subtasks) {
                remove(static_cast<size_t>(round), m);
                return true;
            }
            if (round < 0) {
                if (insertBest(m, p))
                    return true;
                continue;
            }
            Shape shape = without(static_cast<size_t>(round), m);
            add(shape, m, p);
            if (trial(static_cast<size_t>(round), shape, false) < kInf) {
                m_partitions[static_cast<size_t>(m)] = p;
                m_shapes[static_cast<size_t>(round)] = shapeOf(m_members[static_cast<size_t>(round)]);
                retimeAll();
                return true;
            }
        }
        if (round >= 0)
            return false;
        for (int p : m_options[static_cast<size_t>(m)])
            if (p < m_subtasks && energy(m, p) < energy(m, m_subtasks) - 1e-12 && swapIn(m, p))
                return true;
        return false;
    }

    /// When round @p r ends after @p previousEndMs, by its split when it has one. O(N), or
    /// O(G*N) for a split round of G members.
    double roundEnd(size_t r, double previousEndMs) const
    {
        if (m_splits[r].merge == 0)
            return endOf(m_shapes[r], previousEndMs);
        RoundMembers members;
        for (int m : m_members[r])
            members.emplace_back(m, partitionOf(m));
        return earliestSplitEnd(m_model, members, previousEndMs, &m_splits[r]).first;
    }

    /// Member @p v of round @p from moved to the later round @p to, when every round still ends
    /// in time. O(R*N + G).
    bool moveLater(int v, size_t from, size_t to)
    {
        const Shape shrunk = without(from, v);
        Shape grown = m_shapes[to];
        add(grown, v, partitionOf(v));
        double endMs = previousEnd(from);
        bool late = false;
        for (size_t k = from; !late && k < m_shapes.size(); ++k) {
            const Shape& shape = k == from ? shrunk : k == to ? grown : m_shapes[k];
            endMs = endOf(shape, endMs);
            late = !meetsDeadline(endMs, shape.deadlineMs);
        }
        m_meter.spend(static_cast<long long>(m_shapes.size() - from) * (m_subtasks + 1));
        if (late)
            return false;
        m_shapes[from] = shrunk;
        m_shapes[to] = grown;
        std::erase(m_members[from], v);
        m_members[to].push_back(v);
        m_roundOf[static_cast<size_t>(v)] = static_cast<int>(to);
        retimeAll();
        return true;
    }

    /// Whether the rounds from @p first on still end in time when the round before ends at
    /// @p endMs; they are re-timed only while their start moves. O(R*N).
    bool laterRoundsHold(size_t first, double endMs)
    {
        long long visited = 0;
        bool late = false;
        for (size_t k = first; !late && k < m_shapes.size() && endMs > previousEnd(k); ++k, ++visited) {
            endMs = roundEnd(k, endMs);
            late = !meetsDeadline(endMs, m_shapes[k].deadlineMs);
        }
        m_meter.spend(visited * (m_subtasks + 1));
        return !late;
    }

    /// Round @p r with local user @p m added at option @p p (and @p victim, when >= 0, sent back
    /// to local computing), run with its best split; made so when every round still ends in
    /// time. O(G*N^2 + R*N).
    bool splitInsert(size_t r, int m, int p, int victim)
    {
        RoundMembers members;
        double deadlineMs = m_model.deadlineMs(m);
        for (int v : m_members[r])
            if (v != victim) {
                members.emplace_back(v, partitionOf(v));
                deadlineMs = std::min(deadlineMs, m_model.deadlineMs(v));
            }
        members.emplace_back(m, p);
        m_meter.spend(static_cast<long long>(members.size()) * m_subtasks * m_subtasks);
        const auto [endMs, split] = earliestSplitEnd(m_model, members, previousEnd(r));
        if (!meetsDeadline(endMs, deadlineMs) || !laterRoundsHold(r + 1, endMs))
            return false;
        m_partitions[static_cast<size_t>(m)] = p;
        m_roundOf[static_cast<size_t>(m)] = static_cast<int>(r);
        m_members[r].push_back(m);
        if (victim >= 0) {
            std::erase(m_members[r], victim);
            m_partitions[static_cast<size_t>(victim)] = m_subtasks;
            m_roundOf[static_cast<size_t>(victim)] = -1;
        }
        m_shapes[r] = shapeOf(m_members[r]);
        m_splits[r] = split;
        retimeAll();
        return true;
    }

    /// Local user @p m into round @p r with a split, alone or in place of a member who costs
    /// less to send back to local computing.
    bool splitPlace(size_t r, int m)
    {
        for (int p : m_options[static_cast<size_t>(m)]) {
            if (p == m_subtasks || energy(m, p) >= energy(m, m_subtasks) - 1e-12)
                continue;
            if (splitInsert(r, m, p, -1))
                return true;
            for (int victim : victims(r, energy(m, m_subtasks) - energy(m, p)))
                if (splitInsert(r, m, p, victim))
                    return true;
        }
        return false;
    }

    const CostModel& m_model;
    WorkMeter& m_meter;
    long long m_workUntil;
    int m_subtasks;
    std::vector<std::vector<int>> m_options; // per user, the partitions it could meet alone, cheapest first
    std::vector<int> m_partitions;
    std::vector<int> m_roundOf;              // round index per user, -1 for local users
    std::vector<std::vector<int>> m_members; // per round, in running order
    std::vector<Shape> m_shapes;
    std::vector<RoundSplit> m_splits; // per round; only the split pass sets them
    std::vector<double> m_ends;       // when each round ends, the rounds back to back
};

double energyOf(const CostModel& model, const std::vector<int>& partitions)
{
    double total = 0;
    for (int m = 0; m < model.userCount(); ++m)
        total += model.energyMj(m, partitions[static_cast<size_t>(m)]);
    return total;
}

/// Loads the first start that holds: @p start's rounds, the greedy rounds of its partitions,
/// or every user local where it can be.
bool loadStart(Packer& packer, const CostModel& model, const Schedule& start)
{
    if (packer.load(start.partitions, start.groups))
        return true;
    for (const Schedule& rounds : chunkedRoundSchedules(model, start.partitions))
        if (packer.load(rounds.partitions, rounds.groups))
            return true;
    return packer.loadFromScratch();
}

} // namespace

PackingOutcome packRounds(const CostModel& model, WorkMeter& meter, const Schedule& start, long long workUntil)
{
    PackingOutcome outcome;
    const double startMj = energyOf(model, start.partitions);
    outcome.energyMj = startMj;
    Packer packer(model, meter, workUntil);
    try {
        if (!loadStart(packer, model, start))
            return outcome;
        while (packer.withinLimit() && packer.pass()) { }
        if (packer.withinLimit() && packer.shiftPass())
            while (packer.withinLimit() && packer.pass()) { }
        if (packer.withinLimit())
            packer.splitPass();
    } catch (const SearchStopped& stop) {
        outcome.stop = stop.reason;
    }
    // Every commit leaves the packer consistent, so a stop in the middle still leaves a plan.
    const double packedMj = energyOf(model, packer.partitions());
    if (packedMj < startMj * (1 - 1e-12)) {
        outcome.improved = packer.schedule();
        outcome.energyMj = packedMj;
    }
    return outcome;
}

} // namespace coinfer
