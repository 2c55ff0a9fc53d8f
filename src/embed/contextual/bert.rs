//! A BERT encoder (the architecture of MiniLM, bge, e5, gte): `config.json` read and checked,
//! its weights taken from the `.safetensors` file with every shape checked against the config
//! before use, and the forward pass over a batch of token sequences.
//!
//! The batch is packed: the sequences' tokens are laid end to end, so the dense layers (most of
//! the work) run on no padding at all, and attention runs per sequence over its own tokens —
//! the exact result of an attention mask, with nothing masked.

use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;

use super::ops::{Activation, Linear, Strided, gemm, layer_norm, softmax_rows};
use crate::embed::static_model::tensor::TensorFile;
use crate::error::{Error, Result};

/// The keys of a BERT `config.json` the forward pass depends on.
#[derive(Debug, Clone, Deserialize)]
pub struct BertConfig {
    #[serde(default)]
    pub model_type: String,
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub max_position_embeddings: usize,
    #[serde(default = "default_type_vocab")]
    pub type_vocab_size: usize,
    #[serde(default = "default_act")]
    pub hidden_act: String,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    /// Only `absolute` is read.
    #[serde(default)]
    pub position_embedding_type: Option<String>,
}

fn default_type_vocab() -> usize {
    2
}
fn default_act() -> String {
    "gelu".into()
}
fn default_eps() -> f64 {
    1e-12
}

/// The model types read; others are refused with this list.
pub const ARCHITECTURES: &str = "bert (BERT, MiniLM, bge, e5, gte and other BertModel checkpoints)";

impl BertConfig {
    /// Reads and checks `config.json`.
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let config: Self = serde_json::from_slice(&bytes)
            .map_err(|e| Error::in_file(path, format!("not a BERT config.json: {e}")))?;
        if config.model_type != "bert" {
            return Err(Error::in_file(
                path,
                format!(
                    "model_type {:?}: wordlens runs {ARCHITECTURES}; other architectures are not read",
                    config.model_type
                ),
            ));
        }
        if let Some(p) = config
            .position_embedding_type
            .as_deref()
            .filter(|p| *p != "absolute")
        {
            return Err(Error::in_file(
                path,
                format!("position_embedding_type {p:?}: only \"absolute\" is read"),
            ));
        }
        let sizes = [
            config.vocab_size,
            config.hidden_size,
            config.num_hidden_layers,
            config.num_attention_heads,
            config.intermediate_size,
            config.max_position_embeddings,
            config.type_vocab_size,
        ];
        if sizes.contains(&0)
            || !config
                .hidden_size
                .is_multiple_of(config.num_attention_heads)
        {
            return Err(Error::in_file(
                path,
                format!(
                    "sizes do not make a BERT: hidden_size {} must be a positive multiple of num_attention_heads {}, and every size positive",
                    config.hidden_size, config.num_attention_heads
                ),
            ));
        }
        if Activation::parse(&config.hidden_act).is_none() {
            return Err(Error::in_file(
                path,
                format!(
                    "hidden_act {:?}: gelu, gelu_new, gelu_pytorch_tanh or relu expected",
                    config.hidden_act
                ),
            ));
        }
        Ok(config)
    }
}

struct Norm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
}

struct Layer {
    /// Query, key and value in one product (3 × hidden outputs).
    qkv: Linear,
    attention_out: Linear,
    attention_norm: Norm,
    intermediate: Linear,
    output: Linear,
    output_norm: Norm,
}

/// A BERT's weights, ready to run.
pub struct Bert {
    pub config: BertConfig,
    words: crate::floats::Floats,
    positions: Vec<f32>,
    /// Token type 0's row: every text is a single segment.
    segment: Vec<f32>,
    embedding_norm: Norm,
    layers: Vec<Layer>,
    activation: Activation,
    eps: f32,
}

/// Reads tensors by their BERT names, with or without a `bert.` prefix, checking shapes.
struct Weights<'a> {
    file: &'a TensorFile,
    path: &'a Path,
    prefix: &'static str,
}

impl Weights<'_> {
    fn name(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    fn matrix(&self, name: &str, rows: usize, cols: usize) -> Result<crate::floats::Floats> {
        let full = self.name(name);
        let (m, r, c) = self.file.matrix(self.path, &full)?;
        if (r, c) != (rows, cols) {
            return Err(Error::in_file(
                self.path,
                format!("tensor `{full}` is [{r}, {c}]; config.json makes it [{rows}, {cols}]"),
            ));
        }
        Ok(m)
    }

    fn vector(&self, name: &str, len: usize) -> Result<Vec<f32>> {
        let full = self.name(name);
        let v = self.file.vector(self.path, &full)?.ok_or_else(|| {
            Error::in_file(self.path, format!("no tensor `{full}` (a BERT has one)"))
        })?;
        if v.len() != len {
            return Err(Error::in_file(
                self.path,
                format!(
                    "tensor `{full}` has {} values; config.json makes it {len}",
                    v.len()
                ),
            ));
        }
        Ok(v)
    }

    /// LayerNorm weights under either name PyTorch has used (weight/bias, gamma/beta).
    fn norm(&self, at: &str, width: usize) -> Result<Norm> {
        let (g, b) = if self.file.has(&self.name(&format!("{at}.gamma"))) {
            ("gamma", "beta")
        } else {
            ("weight", "bias")
        };
        Ok(Norm {
            gamma: self.vector(&format!("{at}.{g}"), width)?,
            beta: self.vector(&format!("{at}.{b}"), width)?,
        })
    }

    fn linear(&self, at: &str, inp: usize, out: usize) -> Result<Linear> {
        Ok(Linear {
            weight: self
                .matrix(&format!("{at}.weight"), out, inp)?
                .as_slice()
                .to_vec(),
            bias: self.vector(&format!("{at}.bias"), out)?,
            inp,
            out,
        })
    }

    /// Query, key and value stacked into one layer.
    fn qkv(&self, at: &str, hidden: usize) -> Result<Linear> {
        // Sized by the tensors read, never by config.json's claim alone.
        let (mut weight, mut bias) = (Vec::new(), Vec::new());
        for part in ["query", "key", "value"] {
            let l = self.linear(&format!("{at}.{part}"), hidden, hidden)?;
            weight.extend_from_slice(&l.weight);
            bias.extend_from_slice(&l.bias);
        }
        Ok(Linear {
            weight,
            bias,
            inp: hidden,
            out: 3 * hidden,
        })
    }
}

impl Bert {
    /// The weights in `tensors` for `config` (read from `config_path`).
    pub fn load(config: BertConfig, tensors: &Path) -> Result<Self> {
        let file = TensorFile::open(tensors)?;
        let prefix = if file.has("bert.embeddings.word_embeddings.weight") {
            "bert."
        } else {
            ""
        };
        let w = Weights {
            file: &file,
            path: tensors,
            prefix,
        };
        let h = config.hidden_size;
        let words = w.matrix("embeddings.word_embeddings.weight", config.vocab_size, h)?;
        let positions = w
            .matrix(
                "embeddings.position_embeddings.weight",
                config.max_position_embeddings,
                h,
            )?
            .as_slice()
            .to_vec();
        let segments = w.matrix(
            "embeddings.token_type_embeddings.weight",
            config.type_vocab_size,
            h,
        )?;
        let segment = segments.as_slice()[..h].to_vec();
        let embedding_norm = w.norm("embeddings.LayerNorm", h)?;
        let layers = (0..config.num_hidden_layers)
            .map(|i| {
                let at = format!("encoder.layer.{i}");
                Ok(Layer {
                    qkv: w.qkv(&format!("{at}.attention.self"), h)?,
                    attention_out: w.linear(&format!("{at}.attention.output.dense"), h, h)?,
                    attention_norm: w.norm(&format!("{at}.attention.output.LayerNorm"), h)?,
                    intermediate: w.linear(
                        &format!("{at}.intermediate.dense"),
                        h,
                        config.intermediate_size,
                    )?,
                    output: w.linear(&format!("{at}.output.dense"), config.intermediate_size, h)?,
                    output_norm: w.norm(&format!("{at}.output.LayerNorm"), h)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            activation: Activation::parse(&config.hidden_act).unwrap_or(Activation::Gelu),
            eps: config.layer_norm_eps as f32,
            config,
            words,
            positions,
            segment,
            embedding_norm,
            layers,
        })
    }

    /// The last hidden states of `sequences` (token ids, each at most the position table's
    /// length and every id below the vocabulary size: the caller checks), packed: the rows of
    /// sequence i follow those of sequence i − 1.
    pub fn forward(&self, sequences: &[Vec<u32>]) -> Vec<f32> {
        let h = self.config.hidden_size;
        let rows: usize = sequences.iter().map(Vec::len).sum();
        let words = self.words.as_slice();
        let mut x = vec![0.0f32; rows * h];
        let mut at = 0;
        for seq in sequences {
            for (pos, &id) in seq.iter().enumerate() {
                let out = &mut x[at * h..(at + 1) * h];
                let word = &words[id as usize * h..(id as usize + 1) * h];
                let position = &self.positions[pos * h..(pos + 1) * h];
                for (((o, w), p), s) in out.iter_mut().zip(word).zip(position).zip(&self.segment) {
                    *o = w + p + s;
                }
                at += 1;
            }
        }
        let norm = &self.embedding_norm;
        layer_norm(&mut x, &norm.gamma, &norm.beta, self.eps);
        let lengths: Vec<usize> = sequences.iter().map(Vec::len).collect();
        for layer in &self.layers {
            x = self.layer(layer, x, &lengths);
        }
        x
    }

    fn layer(&self, layer: &Layer, x: Vec<f32>, lengths: &[usize]) -> Vec<f32> {
        let h = self.config.hidden_size;
        let rows = x.len() / h;
        let qkv = layer.qkv.forward(&x, rows);
        let context = self.attention(&qkv, lengths);
        let mut attended = layer.attention_out.forward(&context, rows);
        add_norm(&mut attended, &x, &layer.attention_norm, self.eps);
        let mut inner = layer.intermediate.forward(&attended, rows);
        self.activation.apply(&mut inner);
        let mut out = layer.output.forward(&inner, rows);
        add_norm(&mut out, &attended, &layer.output_norm, self.eps);
        out
    }

    /// Scaled dot-product attention of each sequence over its own tokens, every head.
    fn attention(&self, qkv: &[f32], lengths: &[usize]) -> Vec<f32> {
        let h = self.config.hidden_size;
        let heads = self.config.num_attention_heads;
        let d = h / heads;
        let scale = 1.0 / (d as f32).sqrt();
        let rows: usize = lengths.iter().sum();
        let mut context = vec![0.0f32; rows * h];
        // Each sequence writes its own rows of `context`.
        let mut parts = Vec::with_capacity(lengths.len());
        let mut rest = context.as_mut_slice();
        let mut start = 0;
        for &len in lengths {
            let (mine, tail) = rest.split_at_mut(len * h);
            parts.push((start, len, mine));
            rest = tail;
            start += len;
        }
        parts.into_par_iter().for_each(|(start, len, out)| {
            let seq = &qkv[start * 3 * h..(start + len) * 3 * h];
            let mut scores = vec![0.0f32; len * len];
            let mut head_out = vec![0.0f32; len * d];
            for head in 0..heads {
                let q = Strided::rows(&seq[head * d..], 3 * h);
                // Kᵀ: the key rows read down their columns.
                let kt = Strided::new(&seq[h + head * d..], 1, 3 * h as isize);
                gemm(len, d, len, q, kt, &mut scores, 0.0);
                scores.iter_mut().for_each(|s| *s *= scale);
                softmax_rows(&mut scores, len);
                let v = Strided::rows(&seq[2 * h + head * d..], 3 * h);
                gemm(
                    len,
                    len,
                    d,
                    Strided::rows(&scores, len),
                    v,
                    &mut head_out,
                    0.0,
                );
                for (row, vals) in out.chunks_exact_mut(h).zip(head_out.chunks_exact(d)) {
                    row[head * d..(head + 1) * d].copy_from_slice(vals);
                }
            }
        });
        context
    }
}

/// `x = LayerNorm(x + residual)`.
fn add_norm(x: &mut [f32], residual: &[f32], norm: &Norm, eps: f32) {
    x.par_iter_mut()
        .with_min_len(4096)
        .zip(residual.par_iter())
        .for_each(|(a, b)| *a += b);
    layer_norm(x, &norm.gamma, &norm.beta, eps);
}
