/// The experiment store.
