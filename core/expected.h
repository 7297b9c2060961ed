#pragma once
// A value-or-error return type (std::expected is C++23; the project builds as C++20).

#include <string>
#include <utility>
#include <variant>

namespace coinfer {

/// What went wrong, in a form the command line maps to exit statuses.
enum class ErrorCode {
    BadInput,    ///< a file or argument that does not follow the contract (exit 2)
    TooLarge,    ///< an instance above an algorithm's stated size limit (exit 2)
    Infeasible,  ///< no plan meets every deadline (exit 3)
    Io,          ///< a file that cannot be read or written (exit 2)
    NoDevice,    ///< no usable GPU, or a build without CUDA (exit 4)
};

/// An error a person can act on: the message names the file, the field and the problem.
struct Error {
    ErrorCode code = ErrorCode::BadInput;
    std::string message;
};

/// Holds either a T or an Error.
template <class T>
class Expected {
public:
    Expected(T value) : m_state(std::move(value)) {}
    Expected(Error error) : m_state(std::move(error)) {}

    bool hasValue() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return hasValue(); }

    T& value() & { return std::get<T>(m_state); }
    const T& value() const& { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

} // namespace coinfer
