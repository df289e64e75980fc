#pragma once
// Expected<T, E>: a value, or why there is none. A small C++17 stand-in for C++23's
// std::expected (Debian 12 packages no tl::expected), with the same names so that moving to
// std::expected later is a search and replace: has_value(), operator bool, value(), error(),
// operator* / ->, value_or(), and_then(); make an error with eport::unexpected(e).
//
// Use it for results that are either a value or a failure the caller must handle (parsing,
// loading, card operations); keep exceptions for start-up errors (STYLE.md).

#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace eport {

/// The error side of an Expected, wrapped so that T and E may be the same type.
template <class E>
class Unexpected {
 public:
  /// Wraps `error`.
  explicit Unexpected(E error) : error_(std::move(error)) {}
  /// The error.
  const E& error() const& { return error_; }
  /// The error.
  E& error() & { return error_; }
  /// The error, moved out.
  E&& error() && { return std::move(error_); }

 private:
  E error_;
};

/// An Unexpected holding `error`: `return eport::unexpected(Failure{...});`.
template <class E>
Unexpected<std::decay_t<E>> unexpected(E&& error) {
  return Unexpected<std::decay_t<E>>(std::forward<E>(error));
}

/// Thrown by value() when an Expected holds an error (a bug in the caller: check first).
class BadExpectedAccess : public std::logic_error {
 public:
  /// The fixed message.
  BadExpectedAccess() : std::logic_error("Expected::value() called on an error") {}
};

/// Either a T or an E.
template <class T, class E>
class Expected {
  static_assert(!std::is_reference_v<T> && !std::is_reference_v<E>, "Expected holds values");

 public:
  /// The value type.
  using value_type = T;
  /// The error type.
  using error_type = E;

  /// A value-initialised T.
  template <class U = T, std::enable_if_t<std::is_default_constructible_v<U>, int> = 0>
  Expected() : storage_(std::in_place_index<0>) {}
  /// A value (anything T can be made from, so `return value;` works).
  template <class U = T,
            std::enable_if_t<std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, Expected> &&
                                 !std::is_same_v<std::decay_t<U>, Unexpected<E>>,
                             int> = 0>
  Expected(U&& value) : storage_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT: implicit
  /// An error.
  template <class G, std::enable_if_t<std::is_constructible_v<E, const G&>, int> = 0>
  Expected(const Unexpected<G>& error) : storage_(std::in_place_index<1>, E(error.error())) {}  // NOLINT
  /// An error.
  template <class G, std::enable_if_t<std::is_constructible_v<E, G&&>, int> = 0>
  Expected(Unexpected<G>&& error)  // NOLINT: implicit
      : storage_(std::in_place_index<1>, E(std::move(error).error())) {}

  /// True when it holds a value.
  bool has_value() const { return storage_.index() == 0; }
  /// Same as has_value().
  explicit operator bool() const { return has_value(); }

  /// The value; throws BadExpectedAccess when it holds an error.
  T& value() & { return check(), std::get<0>(storage_); }
  /// The value; throws BadExpectedAccess when it holds an error.
  const T& value() const& { return check(), std::get<0>(storage_); }
  /// The value, moved out; throws BadExpectedAccess when it holds an error.
  T&& value() && { return check(), std::get<0>(std::move(storage_)); }
  /// The value, unchecked (check has_value() first).
  T& operator*() & { return *std::get_if<0>(&storage_); }
  /// The value, unchecked (check has_value() first).
  const T& operator*() const& { return *std::get_if<0>(&storage_); }
  /// The value, moved out, unchecked.
  T&& operator*() && { return std::move(*std::get_if<0>(&storage_)); }
  /// Member access to the value, unchecked.
  T* operator->() { return std::get_if<0>(&storage_); }
  /// Member access to the value, unchecked.
  const T* operator->() const { return std::get_if<0>(&storage_); }
  /// The value, or `fallback` when it holds an error.
  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? **this : static_cast<T>(std::forward<U>(fallback));
  }

  /// The error, unchecked (check !has_value() first).
  const E& error() const& { return std::get_if<1>(&storage_)->error(); }
  /// The error, unchecked.
  E& error() & { return std::get_if<1>(&storage_)->error(); }
  /// The error, moved out, unchecked.
  E&& error() && { return std::move(*std::get_if<1>(&storage_)).error(); }

  /// The next step: `f(value)` (which returns an Expected<U, E>), or this error passed on.
  template <class F>
  auto and_then(F&& f) const& {
    using Next = std::invoke_result_t<F, const T&>;
    return has_value() ? std::forward<F>(f)(**this) : Next(unexpected(error()));
  }
  /// The next step, taking the value by move.
  template <class F>
  auto and_then(F&& f) && {
    using Next = std::invoke_result_t<F, T&&>;
    return has_value() ? std::forward<F>(f)(std::move(**this)) : Next(unexpected(std::move(error())));
  }

 private:
  void check() const {
    if (!has_value()) throw BadExpectedAccess();
  }
  std::variant<T, Unexpected<E>> storage_;
};

/// Success without a value, or an E.
template <class E>
class Expected<void, E> {
 public:
  /// The value type.
  using value_type = void;
  /// The error type.
  using error_type = E;

  /// Success.
  Expected() = default;
  /// An error.
  template <class G, std::enable_if_t<std::is_constructible_v<E, const G&>, int> = 0>
  Expected(const Unexpected<G>& error) : error_(std::in_place_index<1>, E(error.error())) {}  // NOLINT
  /// An error.
  template <class G, std::enable_if_t<std::is_constructible_v<E, G&&>, int> = 0>
  Expected(Unexpected<G>&& error)  // NOLINT: implicit
      : error_(std::in_place_index<1>, E(std::move(error).error())) {}

  /// True on success.
  bool has_value() const { return error_.index() == 0; }
  /// Same as has_value().
  explicit operator bool() const { return has_value(); }
  /// Throws BadExpectedAccess when it holds an error.
  void value() const {
    if (!has_value()) throw BadExpectedAccess();
  }
  /// The error, unchecked (check !has_value() first).
  const E& error() const& { return std::get_if<1>(&error_)->error(); }
  /// The error, unchecked.
  E& error() & { return std::get_if<1>(&error_)->error(); }
  /// The error, moved out, unchecked.
  E&& error() && { return std::move(*std::get_if<1>(&error_)).error(); }

  /// The next step: `f()` (which returns an Expected<U, E>), or this error passed on.
  template <class F>
  auto and_then(F&& f) const {
    using Next = std::invoke_result_t<F>;
    return has_value() ? std::forward<F>(f)() : Next(unexpected(error()));
  }

 private:
  std::variant<std::monostate, Unexpected<E>> error_;
};

}  // namespace eport
