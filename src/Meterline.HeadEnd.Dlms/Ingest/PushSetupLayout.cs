using System.Collections.Immutable;
using Meterline.Dlms.Cosem;
using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Dlms.Ingest;

/// <summary>One push setup as the head-end reads its notifications: what it carries and its push_object_list (attribute 2), in order.</summary>
public sealed record PushSetupLayout(PushKind Kind, ImmutableArray<CaptureObjectDefinition> ObjectList);
