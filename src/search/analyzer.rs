//! wordlens's tokenizer as a tantivy tokenizer, so BM25 and the embeddings see the same tokens.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer as TantivyTokenizer};

use crate::text::Tokenizer;

pub const NAME: &str = "wordlens";

#[derive(Clone)]
pub struct Analyzer(pub Tokenizer);

pub struct Tokens {
    tokens: Vec<Token>,
    next: usize,
}

impl TantivyTokenizer for Analyzer {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let mut tokens = Vec::new();
        self.0.for_each_token_span(text, |range, tok| {
            tokens.push(Token {
                offset_from: range.start,
                offset_to: range.end,
                position: tokens.len(),
                text: tok.to_string(),
                position_length: 1,
            })
        });
        Tokens { tokens, next: 0 }
    }
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1))]
    }
    fn token_mut(&mut self) -> &mut Token {
        let i = self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1));
        &mut self.tokens[i]
    }
}
