#pragma once
// A value-or-error return type with the interface of C++23's std::expected<T, Error>, for a
// project that builds as C++20: moving to std::expected later is a rename (Expected ->
// std::expected<T, Error>, Unexpected -> std::unexpected, BadExpectedAccess ->
// std::bad_expected_access<Error>).

#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace coinfer {

/// What went wrong, in a form the command line maps to exit statuses.
enum class ErrorCode {
    BadInput,   ///< a file or argument that does not follow the contract (exit 2)
    TooLarge,   ///< an instance above an algorithm's stated size limit (exit 2)
    Infeasible, ///< no plan meets every deadline (exit 3)
    Io,         ///< a file that cannot be read or written (exit 2)
    NoDevice,   ///< no usable GPU, or a build without CUDA (exit 4)
};

/// An error a person can act on: the message names the file, the field and the problem.
struct Error {
    ErrorCode code = ErrorCode::BadInput;
    std::string message;
};

/// The error alternative, as std::unexpected: `return Unexpected(Error{...});`.
template<class E> class Unexpected {
public:
    explicit Unexpected(E error) : m_error(std::move(error)) { }
    const E& error() const& { return m_error; }
    E&& error() && { return std::move(m_error); }

private:
    E m_error;
};
template<class E> Unexpected(E) -> Unexpected<E>;

/// Thrown by value() on an error; what() is the error's message.
class BadExpectedAccess : public std::exception {
public:
    explicit BadExpectedAccess(Error error) : m_error(std::move(error)) { }
    const char* what() const noexcept override { return m_error.message.c_str(); }
    const Error& error() const { return m_error; }

private:
    Error m_error;
};

template<class T> class Expected;

namespace detail {
// The header stays within C++17: nvcc compiles the GPU profiler, which includes it, as C++17.
template<class X> using RemoveCvRef = std::remove_cv_t<std::remove_reference_t<X>>;
template<class X> struct IsExpected : std::false_type {
};
template<class X> struct IsExpected<Expected<X>> : std::true_type {
};
} // namespace detail

/// Holds either a T or an Error.
template<class T> class Expected {
public:
    using value_type = T;
    using error_type = Error;
    using unexpected_type = Unexpected<Error>;

    template<class U = T, std::enable_if_t<std::is_default_constructible_v<U>, int> = 0>
    Expected() : m_state(std::in_place_index<0>)
    {
    }
    Expected(T value) : m_state(std::in_place_index<0>, std::move(value)) { }
    Expected(Unexpected<Error> error) : m_state(std::in_place_index<1>, std::move(error).error()) { }

    bool has_value() const noexcept { return m_state.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    /// The value; throws BadExpectedAccess, whose what() is the error's message, on an error.
    T& value() &
    {
        check();
        return std::get<0>(m_state);
    }
    const T& value() const&
    {
        check();
        return std::get<0>(m_state);
    }
    T&& value() &&
    {
        check();
        return std::get<0>(std::move(m_state));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    /// The error; only valid when !has_value().
    const Error& error() const& { return std::get<1>(m_state); }
    Error&& error() && { return std::get<1>(std::move(m_state)); }

    template<class U> T value_or(U&& fallback) const&
    {
        return has_value() ? std::get<0>(m_state) : static_cast<T>(std::forward<U>(fallback));
    }

    /// f(value) -> Expected<U>; an error passes through untouched.
    template<class F> auto and_then(F&& f) const&
    {
        using Result = detail::RemoveCvRef<std::invoke_result_t<F, const T&>>;
        static_assert(detail::IsExpected<Result>::value, "and_then needs a function that returns an Expected");
        return has_value() ? std::invoke(std::forward<F>(f), std::get<0>(m_state)) : Result(Unexpected(error()));
    }

    /// f(value) -> U, wrapped as Expected<U> (Expected<void> for a void f); an error passes through.
    template<class F> auto transform(F&& f) const&
    {
        using U = std::remove_cv_t<std::invoke_result_t<F, const T&>>;
        if (!has_value())
            return Expected<U>(Unexpected(error()));
        if constexpr (std::is_void_v<U>) {
            std::invoke(std::forward<F>(f), std::get<0>(m_state));
            return Expected<U>();
        } else {
            return Expected<U>(std::invoke(std::forward<F>(f), std::get<0>(m_state)));
        }
    }

    /// As and_then, on a temporary: f receives the value moved out, so that a large value
    /// (a file's text, a scenario) passes along a chain without a copy.
    template<class F> auto and_then(F&& f) &&
    {
        using Result = detail::RemoveCvRef<std::invoke_result_t<F, T&&>>;
        static_assert(detail::IsExpected<Result>::value, "and_then needs a function that returns an Expected");
        return has_value() ? std::invoke(std::forward<F>(f), std::get<0>(std::move(m_state)))
                           : Result(Unexpected(std::move(*this).error()));
    }

    /// As transform, on a temporary: f receives the value moved out.
    template<class F> auto transform(F&& f) &&
    {
        using U = std::remove_cv_t<std::invoke_result_t<F, T&&>>;
        if (!has_value())
            return Expected<U>(Unexpected(std::move(*this).error()));
        if constexpr (std::is_void_v<U>) {
            std::invoke(std::forward<F>(f), std::get<0>(std::move(m_state)));
            return Expected<U>();
        } else {
            return Expected<U>(std::invoke(std::forward<F>(f), std::get<0>(std::move(m_state))));
        }
    }

    /// f(error) -> Expected<T>; a value passes through untouched.
    template<class F> Expected or_else(F&& f) const&
    {
        return has_value() ? *this : Expected(std::invoke(std::forward<F>(f), error()));
    }

    /// f(error) -> Error, for adding context such as a file name.
    template<class F> Expected transform_error(F&& f) const&
    {
        return has_value() ? *this : Expected(Unexpected(Error(std::invoke(std::forward<F>(f), error()))));
    }

private:
    void check() const
    {
        if (!has_value())
            throw BadExpectedAccess(std::get<1>(m_state));
    }

    std::variant<T, Error> m_state;
};

/// Success with nothing to return, or an Error (std::expected<void, Error>).
template<> class Expected<void> {
public:
    using value_type = void;
    using error_type = Error;
    using unexpected_type = Unexpected<Error>;

    Expected() = default;
    Expected(Unexpected<Error> error) : m_error(std::move(error).error()) { }

    bool has_value() const noexcept { return !m_error; }
    explicit operator bool() const noexcept { return has_value(); }
    /// Throws BadExpectedAccess, whose what() is the error's message, on an error.
    void value() const
    {
        if (m_error)
            throw BadExpectedAccess(*m_error);
    }
    void operator*() const noexcept { }
    const Error& error() const& { return *m_error; }
    Error&& error() && { return std::move(*m_error); }

    /// f() -> Expected<U>; an error passes through untouched.
    template<class F> auto and_then(F&& f) const
    {
        using Result = detail::RemoveCvRef<std::invoke_result_t<F>>;
        static_assert(detail::IsExpected<Result>::value, "and_then needs a function that returns an Expected");
        return has_value() ? std::invoke(std::forward<F>(f)) : Result(Unexpected(*m_error));
    }

    /// f() -> U, wrapped as Expected<U>; an error passes through.
    template<class F> auto transform(F&& f) const
    {
        using U = std::remove_cv_t<std::invoke_result_t<F>>;
        if (!has_value())
            return Expected<U>(Unexpected(*m_error));
        if constexpr (std::is_void_v<U>) {
            std::invoke(std::forward<F>(f));
            return Expected<U>();
        } else {
            return Expected<U>(std::invoke(std::forward<F>(f)));
        }
    }

    /// f(error) -> Expected<void>; success passes through.
    template<class F> Expected or_else(F&& f) const
    {
        return has_value() ? *this : Expected(std::invoke(std::forward<F>(f), *m_error));
    }

    /// f(error) -> Error, for adding context such as a file name.
    template<class F> Expected transform_error(F&& f) const
    {
        return has_value() ? *this : Expected(Unexpected(Error(std::invoke(std::forward<F>(f), *m_error))));
    }

private:
    std::optional<Error> m_error;
};

} // namespace coinfer
