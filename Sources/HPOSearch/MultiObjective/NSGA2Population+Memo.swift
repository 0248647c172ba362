import HPOCore
import Synchronization

/// The elites NSGA-II has already computed, so a suggestion after n finished
/// trials costs one pass over the history instead of a non-dominated sort per
/// generation (1,000 trials: 20 sorts of 100 points, on every call).
///
/// The memo never changes an answer. It keeps, for each generation of the
/// last history seen, the trials cut into it (history indices), each one's
/// competitor (``NSGA2Population/Member``: history index, trial number,
/// objectives, violation) and the elite after it. ``NSGA2Population`` reuses a
/// generation's elite only when the same trials make it up and each record
/// still gives exactly the remembered competitor (checked in place, without
/// building it: ``NSGA2Population/matches(_:_:index:directions:constraintCount:)``),
/// for that generation and every earlier one; from the first that differs (a
/// late trial that finished out of order, another experiment's history, a
/// constraint that appeared) it sorts again and the memo takes the new ones.
/// NaN objectives compare by their bits, so an unknown value matches itself.
/// Copies of a sampler share one memo; concurrent calls each validate what
/// they read, so the last one to write wins without harm.
final class NSGA2EliteMemo: Sendable {
  /// One generation as it was cut: its trials (history indices, trial-number
  /// order), each one's competitor (nil: failed or infeasible) and the elite after it.
  struct Generation: Sendable {
    var indices: [Int]
    var competitors: [NSGA2Population.Member?]
    var elite: [NSGA2Population.Member]
  }

  private let stored = Mutex<[Generation]>([])
  private let lastLayout = Mutex<(SearchSpace, SpaceLayout)?>(nil)

  init() {}

  /// The generations of the last history seen, first to last.
  var generations: [Generation] { stored.locked { $0 } }

  /// The layout of `space`, built again only when the space is not the last one asked for.
  func layout(of space: SearchSpace) -> SpaceLayout {
    if let (known, layout) = lastLayout.locked({ $0 }), known == space { return layout }
    let layout = SpaceLayout(space)
    lastLayout.locked { $0 = (space, layout) }
    return layout
  }

  /// Remembers `generations` (those of the history just read) in place of the previous ones.
  func keep(_ generations: [Generation]) {
    stored.locked { $0 = generations }
  }
}
