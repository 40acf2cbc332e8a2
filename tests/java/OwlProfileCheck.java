// The OWL API's OWL 2 DL profile check of one ontology file, for tests/test_ontology.py.
// Run with the Java source launcher: java -cp "/usr/share/java/*" OwlProfileCheck.java FILE
// Prints one violation a line, then "in profile" or "not in profile"; exits 0 either way (1 if it cannot load).
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlProfileCheck {
    public static void main(String[] args) throws Exception {
        OWLOntology ontology = OWLManager.createOWLOntologyManager()
                .loadOntologyFromOntologyDocument(new File(args[0]));
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation violation : report.getViolations()) {
            System.out.println(violation);
        }
        System.out.println(report.isInProfile() ? "in profile" : "not in profile");
    }
}
