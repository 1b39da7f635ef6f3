namespace Meterline.HeadEnd.Ingest;

/// <summary>A frame that passed the guard and the decoder, waiting for the batch writer.</summary>
internal sealed record AcceptedPush(InboundFrame Frame, DecodedPush Push);
