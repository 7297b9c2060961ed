#include "core/io/jsonfields.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <sstream>
#include <type_traits>

namespace coinfer::detail {

namespace {

/// Builds the document like nlohmann's own DOM parser, and remembers the path of the value being
/// read, so a parse error can name the field (users[3].deadline_ms) and not only a position.
class PathTrackingBuilder {
public:
    using json = nlohmann::json;

    explicit PathTrackingBuilder(json& root) : m_root(root) { }

    bool null() { return add(nullptr) != nullptr; }
    bool boolean(bool value) { return add(value) != nullptr; }
    bool number_integer(json::number_integer_t value) { return add(value) != nullptr; }
    bool number_unsigned(json::number_unsigned_t value) { return add(value) != nullptr; }
    bool number_float(json::number_float_t value, const std::string&) { return add(value) != nullptr; }
    bool string(std::string& value) { return add(std::move(value)) != nullptr; }
    bool binary(json::binary_t& value) { return add(json::binary(std::move(value))) != nullptr; }
    bool start_object(std::size_t)
    {
        m_open.push_back({add(json::object()), {}});
        return true;
    }
    /// A key seen twice in one object stops the parse: readers disagree on which value counts
    /// (nlohmann keeps the last, others the first), so a file that has both is refused.
    bool key(std::string& name)
    {
        Open& top = m_open.back();
        top.key = name;
        if (!top.container->contains(name))
            return true;
        m_duplicatePath = path();
        return false;
    }
    bool end_object()
    {
        m_open.pop_back();
        return true;
    }
    bool start_array(std::size_t)
    {
        m_open.push_back({add(json::array()), {}});
        return true;
    }
    bool end_array()
    {
        m_open.pop_back();
        return true;
    }

    bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception& failure)
    {
        m_errorPath = path();
        m_errorPosition = position;
        m_errorToken = token;
        m_errorId = failure.id;
        m_errorText = failure.what();
        return false;
    }

    /// The message for the error parse_error() saw, positioned at the start of its token.
    std::string errorMessage(std::string_view text) const
    {
        if (!m_duplicatePath.empty())
            return m_duplicatePath + ": the key appears twice in one object; give it once";
        const size_t end = std::min(m_errorPosition, text.size());
        const size_t start = end >= m_errorToken.size() ? end - m_errorToken.size() : 0;
        const size_t line =
            1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(start), '\n'));
        const size_t lineStart = text.rfind('\n', start == 0 ? 0 : start - 1);
        const size_t column = start - (lineStart == std::string_view::npos || start == 0 ? 0 : lineStart + 1) + 1;
        const std::string where = "(line " + std::to_string(line) + ", column " + std::to_string(column) + ")";
        if (m_errorId == 406) // out_of_range: a number a double cannot hold, read as the value of m_errorPath
            return (m_errorPath.empty() ? std::string() : m_errorPath + ": ") + "the number " + m_errorToken +
                   " is too large for a double " + where;
        return "not valid JSON: " + m_errorText; // the library's message gives the line and column
    }

private:
    struct Open {
        json* container;
        std::string key;
    };

    json* add(json value)
    {
        if (m_open.empty()) {
            m_root = std::move(value);
            return &m_root;
        }
        Open& top = m_open.back();
        if (top.container->is_array()) {
            top.container->push_back(std::move(value));
            return &top.container->back();
        }
        json& slot = (*top.container)[top.key];
        slot = std::move(value);
        return &slot;
    }

    std::string path() const
    {
        std::string text;
        for (size_t i = 0; i < m_open.size(); ++i) {
            const Open& open = m_open[i];
            // An outer array's current element is its last; the innermost one's is the next.
            if (open.container->is_array())
                text += "[" + std::to_string(open.container->size() - (i + 1 < m_open.size() ? 1 : 0)) + "]";
            else if (!open.key.empty())
                text += (text.empty() ? "" : ".") + open.key;
        }
        return text;
    }

    json& m_root;
    std::vector<Open> m_open;
    std::string m_errorPath, m_errorToken, m_errorText, m_duplicatePath;
    std::size_t m_errorPosition = 0;
    int m_errorId = 0;
};

} // namespace

bool parseDocument(std::string_view text, nlohmann::json& document, std::string& error)
{
    PathTrackingBuilder builder(document);
    if (nlohmann::json::sax_parse(text.begin(), text.end(), &builder))
        return true;
    error = builder.errorMessage(text);
    return false;
}

void requireFormat(const Field& root, const char* format)
{
    if (!root.isObject())
        root.fail("the file must hold a JSON object, not " + describe(root.json()));
    const std::string name = root.at("format").string();
    if (name != format)
        root.at("format").fail(std::string("must be \"") + format + "\", not \"" + name + "\"");
    const long long version = root.at("version").integer(0, 1'000'000);
    if (version != 1)
        root.at("version").fail("version " + std::to_string(version) + " is not supported (this build reads version 1)");
}

std::string describe(const nlohmann::json& value)
{
    switch (value.type()) {
    case nlohmann::json::value_t::null:
        return "null";
    case nlohmann::json::value_t::object:
        return "an object";
    case nlohmann::json::value_t::array:
        return "an array";
    case nlohmann::json::value_t::string:
        return "a string";
    case nlohmann::json::value_t::boolean:
        return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
        return "a number";
    default:
        return "an unsupported value";
    }
}

bool Field::has(const char* key) const
{
    if (!m_value->is_object())
        return false;
    auto it = m_value->find(key);
    if (it == m_value->end())
        return false;
    m_visited->insert(&*it);
    return true;
}

std::vector<std::string> unknownFields(const nlohmann::json& root, const Field::Visited& visited)
{
    // An explicit stack and one shared path, not recursion: a value nested 100,000 deep (in a
    // free-text "description" that a reader ignores) once overflowed the call stack, and a path
    // string copied at each level made the walk quadratic in the depth.
    struct Frame {
        const nlohmann::json* value;
        nlohmann::json::const_iterator next; ///< the next member or element to visit
        size_t index;                        ///< the next element's index (arrays)
        size_t pathLength;                   ///< the length of this value's path
    };
    std::vector<std::string> unknown;
    std::string path;
    std::vector<Frame> stack;
    const auto enter = [&](const nlohmann::json& value) {
        if (value.is_object() || value.is_array())
            stack.push_back({&value, value.cbegin(), 0, path.size()});
    };
    enter(root);
    while (!stack.empty()) {
        Frame& top = stack.back();
        path.resize(top.pathLength);
        if (top.next == top.value->cend()) {
            stack.pop_back();
            continue;
        }
        const nlohmann::json::const_iterator it = top.next++;
        if (top.value->is_array()) {
            path += "[" + std::to_string(top.index++) + "]";
            enter(*it); // elements are walked into, never reported themselves
        } else {
            path += (path.empty() ? "" : ".") + it.key();
            if (visited.count(&*it))
                enter(*it);
            else
                unknown.push_back(path + ": unknown field, ignored");
        }
    }
    return unknown;
}

Field Field::at(const char* key) const
{
    if (!m_value->is_object())
        fail("must be an object, not " + describe(*m_value));
    auto it = m_value->find(key);
    if (it == m_value->end())
        throw InputError{m_path.empty() ? std::string(key) : m_path + "." + key, "is missing"};
    return Field(*it, m_path.empty() ? std::string(key) : m_path + "." + key, m_maxMagnitude, m_visited);
}

std::optional<Field> Field::find(const char* key) const
{
    if (!has(key))
        return std::nullopt;
    return at(key);
}

Field Field::at(size_t index) const
{
    return Field((*m_value)[index], m_path + "[" + std::to_string(index) + "]", m_maxMagnitude, m_visited);
}

size_t Field::arraySize(bool allowEmpty) const
{
    if (!m_value->is_array())
        fail("must be an array, not " + describe(*m_value));
    if (!allowEmpty && m_value->empty())
        fail("must not be empty");
    return m_value->size();
}

double Field::number(double min, bool exclusive) const
{
    if (!m_value->is_number())
        fail("must be a number, not " + describe(*m_value));
    const double value = m_value->get<double>();
    if (!std::isfinite(value))
        fail("must be a finite number");
    if (std::fabs(value) > m_maxMagnitude) {
        std::ostringstream cap;
        cap << m_maxMagnitude;
        fail("is " + m_value->dump() + ", larger in magnitude than " + cap.str() + ", the most an input number may be");
    }
    if (value < min || (exclusive && value == min)) {
        std::ostringstream bound;
        bound << min;
        fail("must be " + std::string(exclusive ? "greater than " : "at least ") + bound.str() + ", not " + m_value->dump());
    }
    return value;
}

long long Field::integer(long long min, long long max) const
{
    // Integers are compared as integers: as doubles, 2^53 + 1 would equal 2^53.
    const bool exact = m_value->is_number_integer();
    const bool inRange = m_value->is_number_unsigned()
                             ? m_value->get<unsigned long long>() <= static_cast<unsigned long long>(std::max(max, 0LL)) &&
                                   (min <= 0 || m_value->get<unsigned long long>() >= static_cast<unsigned long long>(min))
                             : exact && m_value->get<long long>() >= min && m_value->get<long long>() <= max;
    if (exact && !inRange)
        fail("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " + m_value->dump());
    if (exact)
        return m_value->get<long long>();
    if (!m_value->is_number_integer() &&
        !(m_value->is_number_float() && std::trunc(m_value->get<double>()) == m_value->get<double>()))
        fail("must be an integer, not " + (m_value->is_number() ? m_value->dump() : describe(*m_value)));
    const double value = m_value->get<double>();
    if (value < static_cast<double>(min) || value > static_cast<double>(max))
        fail("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " + m_value->dump());
    return static_cast<long long>(value);
}

std::string Field::string(bool allowEmpty) const
{
    if (!m_value->is_string())
        fail("must be a string, not " + describe(*m_value));
    std::string value = m_value->get<std::string>();
    if (!allowEmpty && value.empty())
        fail("must not be empty");
    return value;
}

std::vector<double> Field::nonNegativeNumbers(long long length) const
{
    const size_t size = arraySize();
    if (length >= 0 && static_cast<long long>(size) != length)
        fail("must have " + std::to_string(length) + " elements, not " + std::to_string(size));
    std::vector<double> values;
    values.reserve(size);
    for (size_t i = 0; i < size; ++i)
        values.push_back(at(i).nonNegative());
    return values;
}

} // namespace coinfer::detail
