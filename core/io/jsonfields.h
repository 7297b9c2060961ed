#pragma once
// Path-aware reading of JSON input (private to core). Every accessor names the field's path in
// its error, e.g. users[3].local_latency_ms[2], so the reader's message says exactly what to fix.

#include "core/util/expected.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace coinfer::detail {

/// Thrown inside the readers; turned into an Error at the public boundary.
struct InputError {
    std::string path;
    std::string problem;
};

/// The largest magnitude an input number may have (docs/reliability.md): large enough for any
/// real FLOP count, byte count, time or energy, small enough that every sum and product the
/// model forms from inputs stays finite.
inline constexpr double kMaxInputMagnitude = 1e15;

/// A JSON value together with the path by which it was reached.
class Field {
public:
    /// The values a reader has looked at, shared by every field of one document, so that what
    /// it never looked at can be reported as unknown.
    using Visited = std::unordered_set<const nlohmann::json*>;

    /// @p maxMagnitude caps every number read through this field and the fields reached from it.
    Field(const nlohmann::json& value, std::string path, double maxMagnitude = kMaxInputMagnitude,
          std::shared_ptr<Visited> visited = std::make_shared<Visited>())
        : m_value(&value), m_path(std::move(path)), m_maxMagnitude(maxMagnitude), m_visited(std::move(visited))
    {
        m_visited->insert(m_value);
    }

    const std::string& path() const { return m_path; }
    const nlohmann::json& json() const { return *m_value; }
    bool isArray() const { return m_value->is_array(); }
    bool isObject() const { return m_value->is_object(); }
    bool has(const char* key) const;

    /// A required member of an object.
    Field at(const char* key) const;
    /// An optional member of an object.
    std::optional<Field> find(const char* key) const;
    /// Element i of an array.
    Field at(size_t index) const;
    /// Number of elements of an array (fails if this is not an array, or it is empty and
    /// @p allowEmpty is false).
    size_t arraySize(bool allowEmpty = false) const;

    /// A finite number no smaller than @p min (strictly larger when @p exclusive) and no larger
    /// in magnitude than the field's cap.
    double number(double min = -1e308, bool exclusive = false) const;
    double positive() const { return number(0.0, true); }
    double nonNegative() const { return number(0.0, false); }
    /// An integer in [min, max].
    long long integer(long long min, long long max) const;
    std::string string(bool allowEmpty = true) const;
    /// An array of non-negative numbers; of exactly @p length elements unless it is negative.
    std::vector<double> nonNegativeNumbers(long long length = -1) const;
    /// Marks @p key as known though the reader does not use it (e.g. a free-text description).
    void ignore(const char* key) const { (void)has(key); }
    const std::shared_ptr<Visited>& visited() const { return m_visited; }

    [[noreturn]] void fail(const std::string& problem) const { throw InputError{m_path, problem}; }

private:
    const nlohmann::json* m_value;
    std::string m_path;
    double m_maxMagnitude;
    std::shared_ptr<Visited> m_visited;
};

/// "PATH: unknown field, ignored" for every object member under @p root that no Field looked
/// at; array elements are walked into, never reported themselves. O(size), without recursion, so
/// nesting of any depth is safe.
std::vector<std::string> unknownFields(const nlohmann::json& root, const Field::Visited& visited);

/// Parses JSON text; the error names @p sourceName and, where the parser gives it, the line.
/// Never throws. O(size).
bool parseDocument(std::string_view text, nlohmann::json& document, std::string& error);

/// The JSON type's name as a person would say it ("a string", "an array", ...).
std::string describe(const nlohmann::json& value);

/// Fails unless @p root is an object with "format": @p format and "version": 1.
void requireFormat(const Field& root, const char* format);

/// Parses @p text and reads it with @p read(Field) -> T; every failure becomes a BadInput
/// error that starts with @p sourceName and names the field's path. Numbers above
/// @p maxMagnitude are refused. Never throws.
/// Fields the reader did not know are added to @p warnings when it is given, each starting
/// with @p sourceName.
template<class T, class Read>
Expected<T> readDocument(std::string_view text, const std::string& sourceName, Read read,
                         double maxMagnitude = kMaxInputMagnitude, std::vector<std::string>* warnings = nullptr)
{
    nlohmann::json document;
    std::string problem;
    if (!parseDocument(text, document, problem))
        return Unexpected(Error{ErrorCode::BadInput, sourceName + ": " + problem});
    try {
        const Field root(document, "", maxMagnitude);
        T value = read(root);
        if (warnings)
            for (const std::string& unknown : unknownFields(document, *root.visited()))
                warnings->push_back(sourceName + ": " + unknown);
        return value;
    } catch (const InputError& error) {
        return Unexpected(
            Error{ErrorCode::BadInput, sourceName + ": " + (error.path.empty() ? "" : error.path + ": ") + error.problem});
    } catch (const nlohmann::json::exception& error) {
        return Unexpected(Error{ErrorCode::BadInput, sourceName + ": " + error.what()});
    }
}

} // namespace coinfer::detail
