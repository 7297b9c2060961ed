#pragma once
// The scenario: one chain DNN, its edge batch latencies, and the users (docs/formats.md#the-model).
// Every richer file form is expanded into this one normalised shape when it is read.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace coinfer {

/// One sub-task n (1..N in files, 0-based here) of the chain DNN.
struct Subtask {
    std::string name;
    double outputBytes = 0; ///< d_n
    double flops = 0;       ///< local workload w_n
    /// tau_n(b) for b = 1..B_max; edgeLatencyMs[b-1]. Same length for every sub-task.
    std::vector<double> edgeLatencyMs;

    /// Exact, field by field.
    bool operator==(const Subtask&) const = default;
};

/// The DNN as a chain of sub-tasks, with the size of its input.
struct Dnn {
    std::string name;
    double inputBytes = 0; ///< d_0
    std::vector<Subtask> subtasks;

    int subtaskCount() const { return static_cast<int>(subtasks.size()); }
    /// B_max, the largest batch the edge accepts.
    int maxBatch() const { return subtasks.empty() ? 0 : static_cast<int>(subtasks.front().edgeLatencyMs.size()); }
    /// Bytes uploaded when the partition point is p (0..N-1): d_0 for p = 0, else d_p.
    double uploadBytes(int partition) const
    {
        return partition == 0 ? inputBytes : subtasks[static_cast<size_t>(partition - 1)].outputBytes;
    }

    /// Exact, field by field.
    bool operator==(const Dnn&) const = default;
};

/// One user (mobile device) with its task.
struct User {
    std::string id;
    std::string deviceClass;            ///< informative; empty when given by tables
    double deadlineMs = 0;              ///< T_m, relative to release
    std::vector<double> localLatencyMs; ///< t_mn for n = 1..N
    std::vector<double> localEnergyMj;  ///< e_mn for n = 1..N
    double uplinkRateMbps = 0;          ///< r_m
    double txPowerW = 0;                ///< P_m
    double arrivalRatePerSecond = 0;    ///< online mode: this user's task rate; 0 takes the default
    double deadlineJitter = -1;         ///< online mode: this user's deadline jitter; < 0 takes the default

    /// Exact, field by field.
    bool operator==(const User&) const = default;
};

/// One state of a Markov-modulated Poisson process: while the chain is in it, every user
/// releases tasks at ratePerSecond; the chain stays an exponential time of mean meanStayMs.
struct MmppState {
    double ratePerSecond = 0;
    double meanStayMs = 1000;

    /// Exact, field by field.
    bool operator==(const MmppState&) const = default;
};

/// One recorded task of an arrival trace file: user index, release time and relative deadline.
struct TraceArrival {
    int user = 0;
    double releaseMs = 0;
    double deadlineMs = 0; ///< relative to the release

    /// Exact, field by field.
    bool operator==(const TraceArrival&) const = default;
};

/// Online mode (docs/formats.md#the-online-block): how tasks arrive and when decisions are made.
struct OnlineSettings {
    bool present = false;      ///< the scenario has an "online" block
    double slotMs = 10;        ///< decision slot length delta
    double horizonMs = 10'000; ///< length of one episode
    bool bernoulli = false;    ///< false: Poisson arrivals; true: at most one per slot
    bool mmpp = false;         ///< Markov-modulated Poisson arrivals over mmppStates
    std::vector<MmppState> mmppStates;
    bool mmppPerUser = false;        ///< one modulating chain per user instead of one shared
    double ratePerSecond = 1;        ///< default task rate per user
    double deadlineJitter = 0;       ///< relative deadline = deadline_ms x U(1 - j, 1 + j)
    std::uint64_t seed = 1;          ///< first trace's seed
    std::string tracePath;           ///< "trace" as written in the file (empty: none)
    std::vector<TraceArrival> trace; ///< replayed in every episode when not empty

    /// The long-run task rate of one user under the MMPP: sum r_k s_k / sum s_k (the chain
    /// leaves a state for one of the others chosen uniformly, so each state is visited equally
    /// often). O(states).
    double mmppMeanRatePerSecond() const
    {
        double weighted = 0, stays = 0;
        for (const MmppState& state : mmppStates) {
            weighted += state.ratePerSecond * state.meanStayMs;
            stays += state.meanStayMs;
        }
        return stays > 0 ? weighted / stays : 0.0;
    }

    /// Exact, field by field.
    bool operator==(const OnlineSettings&) const = default;
};

/// DVFS CPU model: t = cycles / f, e = kappa * f^2 * cycles, cycles = flops * cyclesPerFlop.
struct CpuModel {
    double frequencyGhz = 0;
    double cyclesPerFlop = 0;
    double kappa = 0; ///< effective switched capacitance, J per cycle per Hz^2

    /// Exact, field by field.
    bool operator==(const CpuModel&) const = default;
};

/// A named class of devices: its CPU and radio.
struct DeviceClass {
    std::string name;
    CpuModel cpu;
    double txPowerW = 0;

    /// Exact, field by field.
    bool operator==(const DeviceClass&) const = default;
};

/// Shannon uplink with distance-based path loss PL(dB) = referenceDb + 10 * exponent * log10(d / 1 km).
struct ChannelModel {
    double bandwidthMhz = 0;
    double noiseDbmPerHz = -174.0;
    double pathLossReferenceDb = 128.1;
    double pathLossExponent = 3.76;

    /// Exact, field by field.
    bool operator==(const ChannelModel&) const = default;
};

/// A whole planning instance.
struct Scenario {
    std::string name;
    Dnn dnn;
    std::vector<User> users;
    OnlineSettings online;
    std::vector<DeviceClass> deviceClasses; ///< as defined by the file (users are already expanded)
    bool hasChannel = false;
    ChannelModel channel; ///< valid when hasChannel

    int userCount() const { return static_cast<int>(users.size()); }

    /// Exact, field by field.
    bool operator==(const Scenario&) const = default;
};

} // namespace coinfer
