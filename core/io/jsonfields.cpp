#include "core/io/jsonfields.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace coinfer::detail {

bool parseDocument(std::string_view text, nlohmann::json& document, std::string& error)
{
    try {
        document = nlohmann::json::parse(text.begin(), text.end());
        return true;
    } catch (const nlohmann::json::parse_error& failure) {
        error = std::string("not valid JSON: ") + failure.what();
    } catch (const nlohmann::json::exception& failure) {
        // A number too large for a double: say where it is, since the library does not.
        std::string what = failure.what();
        const size_t open = what.find('\''), close = what.rfind('\'');
        error = "not valid JSON: " + what;
        if (open != std::string::npos && close > open) {
            const std::string literal = what.substr(open + 1, close - open - 1);
            const size_t at = text.find(literal);
            if (at != std::string_view::npos) {
                const size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
                const size_t lineStart = text.rfind('\n', at);
                const size_t column = at - (lineStart == std::string_view::npos ? 0 : lineStart + 1) + 1;
                error = "line " + std::to_string(line) + ", column " + std::to_string(column) + ": the number " + literal
                    + " is too large for a double";
            }
        }
    }
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
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: return "a number";
    default: return "an unsupported value";
    }
}

Field Field::at(const char* key) const
{
    if (!m_value->is_object())
        fail("must be an object, not " + describe(*m_value));
    auto it = m_value->find(key);
    if (it == m_value->end())
        throw InputError{m_path.empty() ? std::string(key) : m_path + "." + key, "is missing"};
    return Field(*it, m_path.empty() ? std::string(key) : m_path + "." + key, m_maxMagnitude);
}

std::optional<Field> Field::find(const char* key) const
{
    if (!has(key))
        return std::nullopt;
    return at(key);
}

Field Field::at(size_t index) const
{
    return Field((*m_value)[index], m_path + "[" + std::to_string(index) + "]", m_maxMagnitude);
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
    if (!m_value->is_number_integer() && !(m_value->is_number_float() && std::trunc(m_value->get<double>()) == m_value->get<double>()))
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
