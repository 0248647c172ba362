// HPOONNX: exports a trained model and its preprocessing as one ONNX graph.
