//! Game output: a tailer per running server follows its console file (and the game's own log
//! file when the adapter names one) and publishes each line raw (`console`) and parsed (`log`).

pub mod tailer;
