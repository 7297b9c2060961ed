#pragma once
// What-if sweeps: one scenario planned again and again with one quantity changed
// (users, deadlines, uplink, bandwidth, edge speed, transmit power, B_max), by several planners,
// over seeded repeats; the rows are the CSV of docs/formats.md#sweep-csv. Used by `coinfer sweep` and the
// app's Sweep page alike. Qt-free; docs/sweeps.md is the user's guide.

#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/util/expected.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coinfer {

/// The quantity a sweep varies.
enum class SweepParameter {
    Users,         ///< number of users (population: regenerated; table: seeded subset)
    DeadlineScale, ///< multiplies every deadline T_m
    UplinkScale,   ///< multiplies every uplink rate r_m
    BandwidthMhz,  ///< the channel's bandwidth; Shannon rates recomputed (needs a channel)
    EdgeScale,     ///< multiplies every edge batch latency tau_n(b)
    TxPowerScale,  ///< multiplies every transmit power P_m; Shannon rates follow the new power
    MaxBatch,      ///< B_max: the batch curves truncated to this many sizes
};

/// A parameter as a person picks it: its command-line name and a one-line description.
struct SweepParameterInfo {
    SweepParameter parameter;
    std::string name;        ///< "users", "deadline_scale", ... (the CSV's parameter column)
    std::string description; ///< one line, for help texts and combo-box tooltips
    bool integer = false;    ///< values must be whole numbers (users, max_batch)
};

/// Every parameter, in the order help texts and combo boxes list them. O(1).
const std::vector<SweepParameterInfo>& sweepParameters();
/// The parameter called @p name; nullopt for an unknown name. O(P).
std::optional<SweepParameter> sweepParameterFromName(std::string_view name);
/// The name of @p parameter ("users", ...). O(P).
std::string sweepParameterName(SweepParameter parameter);
/// "users, deadline_scale, ...": every name, for messages. O(P).
std::string sweepParameterNames();

/// Parses VALUES: a list "50,100,200" or an inclusive range "FIRST:LAST:STEP" ("50:500:50";
/// a range's values are FIRST + i*STEP, rounded to 12 significant digits, up to LAST within
/// 1e-9 of a step). Returns the values sorted ascending (the order rows take). Fails
/// (ErrorCode::BadInput) with a message that names the problem: an empty item, a non-number,
/// a non-finite number, a duplicate, a step <= 0, LAST < FIRST, or more than kMaxSweepValues.
/// O(V log V).
Expected<std::vector<double>> parseSweepValues(std::string_view text);

/// The most values one sweep accepts.
inline constexpr int kMaxSweepValues = 100'000;

/// @p value as the CSV writes it: the shortest text that reads back as the same double
/// ("50", "0.5", "3771.6561234"). O(1).
std::string sweepNumberText(double value);

/// A scenario file prepared for sweeping: its text (variants that change the file's own form,
/// such as a population's size or a channel's bandwidth, re-read it), and the scenario it gives.
struct SweepBase {
    std::string text;                  ///< the scenario file's text
    std::string sourceName;            ///< for messages and relative file names, as parseScenario takes it
    Scenario scenario;                 ///< the file as written
    std::vector<std::string> warnings; ///< unknown fields of the file, as parseScenario reports them
    bool hasPopulation = false;        ///< the file has a "population" block
    long long populationCount = 0;     ///< its count (0 without one)
    std::uint64_t populationSeed = 0;  ///< its seed (0 without one)
    /// Users that the file lists besides its population's (users = value keeps them and
    /// generates value - extraUsers). 0 for a table scenario.
    long long extraUsers = 0;
};

/// Reads @p text (a scenario file, named @p sourceName) as a sweep's base. Fails as
/// parseScenario() does, naming the file and field. O(size + M*N).
Expected<SweepBase> prepareSweepBase(std::string text, const std::string& sourceName);

/// The scenario's own value of @p parameter: its user count, 1 for a scale, its B_max, its
/// channel's bandwidth (0 without a channel). The point at this value and repeat 0 is the
/// scenario itself. O(1).
double ownSweepValue(const SweepBase& base, SweepParameter parameter);

/// Whether @p value is allowed for @p parameter on @p base; the error (ErrorCode::BadInput)
/// names the parameter, the value and the limit: users must be a whole number from 1 (above the
/// file's extra users on a population scenario) to the table's users on a table scenario (a
/// subset cannot be larger than the table); max_batch a whole number from 1 to the scenario's
/// B_max (the curves are measured or stated up to B_max only); bandwidth_mhz needs a channel
/// block; scales must be positive and finite. O(1).
Expected<void> checkSweepValue(const SweepBase& base, SweepParameter parameter, double value);

/// The seed that repeat @p repeat of a sweep with seed @p seed draws its population or subset
/// with (SplitMix64 of both). Repeat 0 of a population scenario uses the file's own seed
/// instead (see sweepVariant). O(1).
std::uint64_t sweepRepeatSeed(std::uint64_t seed, int repeat);

/// The scenario of one point: @p base with @p parameter set to @p value for repeat @p repeat of
/// a sweep seeded with @p seed. Repeats:
/// - population scenario: repeat 0 draws with the file's own population seed (so the point at
///   the own value is the file itself); repeat r >= 1 with sweepRepeatSeed(seed, r), whatever
///   the parameter;
/// - table scenario: users = n < M keeps a subset of n users drawn with sweepRepeatSeed(seed, r),
///   in file order; n = M, and every other parameter, keeps the table (repeats are identical).
/// Scales multiply the scenario's numbers after it is read; users, bandwidth_mhz and
/// tx_power_scale are applied to the file's form first, so generated users and Shannon rates
/// follow (a user with a stated uplink_rate_mbps keeps it). The scenario's name gets
/// " [users=50, repeat 1]". Fails as checkSweepValue does, or as parseScenario does for a
/// value the file refuses. Thread-safe. O(size + M*N).
Expected<Scenario> sweepVariant(const SweepBase& base, SweepParameter parameter, double value, int repeat, std::uint64_t seed);

/// One row of the sweep CSV (docs/formats.md#sweep-csv): one planner on one point.
struct SweepRow {
    std::string parameter; ///< the parameter's name
    double value = 0;
    int repeat = 0;        ///< 0-based
    std::string algorithm; ///< algorithmName()
    /// Whether the planner produced a plan. False when a user cannot meet its deadline even
    /// alone (makePlan's ErrorCode::Infeasible): then energy, saving, batches, bound and gap are
    /// empty in the CSV and feasible is false.
    bool planned = false;
    double energyMj = 0;      ///< total user energy of the plan (planned rows)
    double localEnergyMj = 0; ///< every user computing locally (all rows)
    double savingPercent = 0; ///< 100 x (local - energy) / local (planned rows)
    bool feasible = false;    ///< the plan meets every deadline (the simulator's verdict)
    int batches = 0;          ///< GPU batches of the plan (planned rows)
    double lowerBoundMj = 0;  ///< proven lower bound on the optimum; NaN (empty) when none
    double gapPercent = 0;    ///< 100 x (energy - bound) / bound; NaN (empty) when undefined
    double timeMs = 0;        ///< wall time of the planner (not deterministic)

    /// The key rows are ordered by: value, repeat, then algorithm in allAlgorithms() order.
    bool before(const SweepRow& other) const;
};

/// +1 when a larger value of the parameter called @p parameterName relaxes the problem without
/// changing what a plan costs (max_batch, deadline_scale: a plan for a value is a plan for every
/// larger one, with the same energy and batches), -1 when a smaller one does (edge_scale: a
/// faster GPU), 0 for the others (users; uplink and bandwidth change the energy of a plan).
int relaxationDirection(const std::string& parameterName);

/// Makes best's rows monotone over a relaxation (relaxationDirection != 0), per repeat: from the
/// tightest value on, a row whose plan costs more than a tighter row's feasible plan (or misses a
/// deadline) shows that plan instead, which is valid at its value with the same energy and
/// batches; its own bound stays, and its saving and gap are recomputed. Other rows are left as
/// they are. Used by runSweep and mergeSweepCsv. O(R log R) for R rows.
void applyRelaxationEnvelope(std::vector<SweepRow>& rows);

/// What a sweep plans.
struct SweepRequest {
    SweepParameter parameter = SweepParameter::Users;
    std::vector<double> values; ///< as parseSweepValues gives them (ascending)
    /// Planners, any order (rows follow allAlgorithms() order); defaultSweepAlgorithms() when empty.
    std::vector<Algorithm> algorithms;
    int repeats = 1;        ///< >= 1
    std::uint64_t seed = 1; ///< sweepRepeatSeed's seed
    int shardIndex = 1;     ///< this shard, 1..shardCount
    int shardCount = 1;     ///< points are dealt round-robin: point k goes to shard k mod N + 1
    int jobs = 1;           ///< worker threads (>= 1)
    /// Work budgets that make best and exact deterministic (no time limit is used).
    /// Best: 0, `coinfer plan`'s default budget for each point's scenario (defaultBestWorkBudget).
    /// Exact: kDefaultSweepExactWorkBudget.
    long long bestWorkBudget = 0;
    long long exactWorkBudget = 0; ///< 0: kDefaultSweepExactWorkBudget
    /// Optional stop flag (e.g. set from a SIGINT handler): when it becomes true the sweep stops
    /// as if the progress callback had returned false.
    const std::atomic<bool>* cancel = nullptr;
};

/// Exact's work budget in a sweep: ten times best's, since a sweep cannot rely on a time limit.
inline constexpr long long kDefaultSweepExactWorkBudget = 10 * kDefaultBestWorkBudget;

/// local, no-batching, ip-ssa, og, best: the planners the paper's figures compare. O(1).
std::vector<Algorithm> defaultSweepAlgorithms();

/// Parses "local,og,best", "all" (every planner but exact) or "all+exact". Fails
/// (ErrorCode::BadInput) naming an unknown planner and listing the valid ones. O(A).
Expected<std::vector<Algorithm>> parseSweepAlgorithms(std::string_view text);

/// A point of a sweep: one value at one repeat.
struct SweepPoint {
    int valueIndex = 0;
    int repeat = 0;
};

/// The points of @p request's shard, in row order (value, then repeat). O(V*K / N).
std::vector<SweepPoint> sweepShardPoints(const SweepRequest& request);

/// What the progress callback sees after each finished point.
struct SweepProgress {
    int pointsDone = 0;                          ///< points of this run finished so far
    int pointsTotal = 0;                         ///< points of this run (this shard)
    const std::vector<SweepRow>* rows = nullptr; ///< the rows of the point just finished
};

/// Called once per finished point, one call at a time (under a lock), from the thread that
/// planned it. Return false to cancel: points not started are skipped, searches running are
/// stopped, and their points discarded. Keep it short: workers wait on it.
using SweepProgressFn = std::function<bool(const SweepProgress&)>;

/// What a sweep gives back.
struct SweepResult {
    std::vector<SweepRow> rows; ///< finished points only, ordered by SweepRow::before
    int pointsDone = 0;
    int pointsTotal = 0;
    bool cancelled = false; ///< stopped by the callback or the cancel flag
};

/// Runs @p request on @p base: each point's variant (sweepVariant) planned by every requested
/// planner with makePlan (best and exact under work budgets only, so every row but time_ms is
/// deterministic and independent of jobs and shards, except best's rows over uplink_scale and
/// bandwidth_mhz, made monotone with the plans of this run's points only: sweepenvelope.h). Checks every value first (checkSweepValue)
/// and the request's numbers (repeats >= 1, 1 <= shardIndex <= shardCount, jobs >= 1): an
/// error (ErrorCode::BadInput) before anything runs. A variant the reader refuses stops the
/// sweep with its error. Cancelling keeps the finished points. Thread-safe: it shares nothing
/// but @p base (read only). Time: the sum of the points' plans divided by about min(jobs,
/// cores); memory O(jobs * M*N + rows).
Expected<SweepResult> runSweep(const SweepBase& base, const SweepRequest& request, const SweepProgressFn& progress = {});

/// The CSV header line (without newline): "parameter,value,repeat,algorithm,energy_mj,...".
std::string sweepCsvHeader();

/// The rows as CSV (RFC 4180: CRLF-free "\n" lines, fields quoted when they hold a comma, quote
/// or newline, quotes doubled), with the header. Numbers are written shortest round-trip, empty
/// where the row has none (see SweepRow). O(rows).
std::string sweepRowsToCsv(const std::vector<SweepRow>& rows);

/// Reads a sweep CSV as sweepRowsToCsv writes it, or as a spreadsheet saves it again: CRLF line
/// ends, a UTF-8 byte order mark and RFC 4180 quoting are read (core/io/csv.h). Fails (ErrorCode::BadInput) naming
/// @p sourceName, the line and the problem (wrong header, wrong field count, bad number,
/// unknown algorithm). O(size).
Expected<std::vector<SweepRow>> parseSweepCsv(std::string_view text, const std::string& sourceName);

/// One input of mergeSweepCsv.
struct SweepCsvFile {
    std::string name; ///< for messages
    std::vector<SweepRow> rows;
};

/// What a merge gives back.
struct SweepMerge {
    std::vector<SweepRow> rows;        ///< every input row, ordered by SweepRow::before
    std::vector<std::string> warnings; ///< e.g. points missing from the grid of values x repeats
};

/// Merges shard CSVs into the whole table. Refuses (ErrorCode::BadInput, naming the file) a
/// file whose parameter differs from the first file's, and a row (value, repeat, algorithm)
/// already given by an earlier file. Warns when the points do not form the full grid of the
/// values and repeats seen or a point lacks a planner others have (a shard missing). O(R log R).
Expected<SweepMerge> mergeSweepCsv(const std::vector<SweepCsvFile>& files);

} // namespace coinfer
