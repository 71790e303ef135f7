
pub mod heap;
